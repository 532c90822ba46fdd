package com.smartchat.host.web.ui;

import com.smartchat.host.channels.ChannelRecord;
import com.smartchat.host.channels.ChannelRepository;
import com.smartchat.host.conversations.ConversationRepository;
import com.smartchat.host.names.NameRule;
import com.smartchat.host.security.SpaceAccess;
import com.smartchat.host.spaces.Space;
import com.smartchat.host.spaces.SpaceRepository;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The Spaces list, a Space's start page, and its Settings. */
@Controller
class SpacePages {

    private final SpaceRepository spaces;
    private final SpaceAccess access;
    private final ChannelRepository channels;
    private final ConversationRepository inbox;

    SpacePages(SpaceRepository spaces, SpaceAccess access, ChannelRepository channels, ConversationRepository inbox) {
        this.spaces = spaces;
        this.access = access;
        this.channels = channels;
        this.inbox = inbox;
    }

    /** A Space in the list, with how many channels it has. */
    record SpaceRow(Space space, int channels) {
    }

    @GetMapping("/spaces")
    String list(Model model) {
        model.addAttribute("spaces", visibleSpaces());
        return "spaces";
    }

    @PostMapping("/spaces")
    String create(@RequestParam(name = "name", defaultValue = "") String name, Model model) {
        if (!access.isPlatformAdmin()) {
            throw Pages.notFound();
        }
        String trimmed = name.strip();
        String error = trimmed.isEmpty() ? "Space name is required."
                : trimmed.length() > 100 ? "A Space name can be at most 100 characters long."
                : NameRule.problem(trimmed, "A Space name");
        if (error != null) {
            model.addAttribute("spaces", visibleSpaces());
            model.addAttribute("nameError", error);
            model.addAttribute("name", name);
            return "spaces";
        }
        Space space = spaces.create(trimmed);
        return "redirect:/spaces/" + space.id();
    }

    @GetMapping("/spaces/{space}")
    String space(@PathVariable("space") UUID spaceId, Model model) {
        Space space = space(spaceId);
        List<ChannelRecord> spaceChannels = channels.findBySpace(spaceId);
        model.addAttribute("space", space);
        model.addAttribute("channels", spaceChannels);
        model.addAttribute("unread", inbox.unreadMessages(spaceId));
        return "space";
    }

    @GetMapping("/spaces/{space}/settings")
    String settings(@PathVariable("space") UUID spaceId, Model model) {
        model.addAttribute("space", space(spaceId));
        model.addAttribute("channelCount", channels.findBySpace(spaceId).size());
        return "settings";
    }

    private List<SpaceRow> visibleSpaces() {
        Map<UUID, Long> counts = channels.findAll().stream()
                .collect(Collectors.groupingBy(ChannelRecord::spaceId, Collectors.counting()));
        return spaces.findAll().stream().filter(space -> access.canSee(space.id()))
                .map(space -> new SpaceRow(space, counts.getOrDefault(space.id(), 0L).intValue())).toList();
    }

    private Space space(UUID spaceId) {
        return spaces.find(spaceId).orElseThrow(() -> SpaceAccess.notFound(spaceId));
    }
}
