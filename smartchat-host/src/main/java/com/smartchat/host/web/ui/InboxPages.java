package com.smartchat.host.web.ui;

import com.smartchat.channel.spi.ChannelState;
import com.smartchat.host.channels.ChannelRecord;
import com.smartchat.host.channels.ChannelRepository;
import com.smartchat.host.conversations.ConversationRepository;
import com.smartchat.host.conversations.ConversationRepository.ConversationView;
import com.smartchat.host.conversations.ConversationRepository.MessageView;
import com.smartchat.host.conversations.Replies;
import com.smartchat.host.media.ChannelFiles;
import com.smartchat.host.media.Uploads;
import com.smartchat.host.outbound.ReplyFiles;
import jakarta.servlet.http.Part;
import com.smartchat.host.spaces.Space;
import com.smartchat.host.security.SpaceAccess;
import com.smartchat.host.spaces.SpaceRepository;
import com.smartchat.host.conversations.ConversationRepository.Place;
import java.security.Principal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A Space's inbox: its conversations across its channels, newest first with unread counts; a conversation's
 * transcript with the delivery status of each outgoing message; a reply box. The page listens to
 * {@code /events} and fetches the list and the transcript again when they change.
 */
@Controller
@RequestMapping("/spaces/{space}/inbox")
class InboxPages {

    private static final String ID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    private static final String CONVERSATION = "/{conversation:" + ID + "}";
    /** Conversations a list shows at once, and the most a live refresh fetches again. */
    private static final int PAGE = 50;
    private static final int MOST_LISTED = 500;
    /** Messages a transcript shows at once; older ones load on scroll. */
    private static final int TRANSCRIPT_PAGE = 50;
    /** An id in the one spelling the host writes, so that no other spelling of a file's address serves it. */
    private static final String CANONICAL_ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final int MAX_REPLY = 20_000;

    private final SpaceRepository spaces;
    private final ConversationRepository inbox;
    private final Replies replies;
    private final InboxLive live;
    private final ChannelRepository channels;
    private final Views views;
    private final TranscriptAttachments attachments;
    private final MessageFiles files;
    private final Uploads uploads;

    InboxPages(SpaceRepository spaces, ConversationRepository inbox, Replies replies,
               InboxLive live, ChannelRepository channels,
               Views views, TranscriptAttachments attachments, MessageFiles files, Uploads uploads) {
        this.uploads = uploads;
        this.attachments = attachments;
        this.files = files;
        this.channels = channels;
        this.views = views;
        this.spaces = spaces;
        this.inbox = inbox;
        this.replies = replies;
        this.live = live;
    }

    /** A conversation in the list. */
    record ConversationRow(UUID id, String name, String handle, String channelName, String lastText,
                           OffsetDateTime lastMessageAt, int unread, boolean blocked, boolean selected) {
    }

    /**
     * One entry of a transcript.
     *
     * @param who who wrote it: the member, an agent, or "Greeting"
     * @param note what kind of entry it is when not a plain message ("edited", "blocked the channel", ...)
     * @param status for outgoing messages: QUEUED, SENT, FAILED or UNCERTAIN
     * @param failure why it was not sent, or why it is being retried
     * @param nextAttemptAt when a message being retried is tried again
     * @param action what an agent can do about a message that did not go out: "Try again" (failed), "Send again"
     *               (may not have been delivered), or {@code null}
     */
    record MessageLine(UUID id, boolean outgoing, String who, String note, String text,
                       List<TranscriptAttachments.AttachmentView> attachments,
                       OffsetDateTime at, String status, String statusWords, String failure,
                       OffsetDateTime nextAttemptAt, String action) {
    }

    /**
     * What the list shows: the search text, the channel and whether only unread conversations; the same on every
     * link of the page, so that opening a conversation keeps the list as it was.
     */
    record Filter(String q, UUID channel, Boolean unread) {

        Filter {
            q = q == null || q.isBlank() ? null : q.strip();
            unread = Boolean.TRUE.equals(unread);
        }

        public boolean any() {
            return q != null || channel != null || unread;
        }

        /** A link to a page of the inbox that keeps this filter, with more parameters as name, value pairs. */
        public String link(String path, Object... more) {
            UriComponentsBuilder link = UriComponentsBuilder.fromPath(path);
            Map<String, Object> values = new HashMap<>();
            values.put("q", q);
            values.put("channel", channel);
            values.put("unread", unread ? true : null);
            for (int i = 0; i < more.length; i += 2) {
                values.put((String) more[i], more[i + 1]);
            }
            values.values().removeIf(Objects::isNull);
            values.keySet().stream().sorted().forEach(name -> link.queryParam(name, "{" + name + "}"));
            return link.encode().buildAndExpand(values).toUriString(); // each value encoded strictly ('+' too)
        }
    }

    /** A page of the list, and where the next one starts ({@code null} at the end). */
    record ListPage(List<ConversationRow> rows, String next) {
    }

    @GetMapping
    String inbox(@PathVariable("space") UUID spaceId, Filter filter,
                 @RequestParam(name = "after", required = false) String after, Model model) {
        model.addAttribute("space", space(spaceId));
        list(model, spaceId, filter, after, PAGE, null);
        model.addAttribute("after", after); // a live refresh lists this page again, not the first
        return "inbox";
    }

    @GetMapping(CONVERSATION)
    String conversation(@PathVariable("space") UUID spaceId, @PathVariable("conversation") UUID conversationId,
                        Filter filter, @RequestParam(name = "before", required = false) UUID before, Model model) {
        Space space = space(spaceId);
        Place place = place(spaceId, conversationId);
        inbox.markRead(conversationId);
        model.addAttribute("space", space);
        list(model, spaceId, filter, null, PAGE, conversationId);
        model.addAttribute("conversation", inbox.conversation(conversationId).map(view -> row(view, true)).orElseThrow());
        transcript(model, spaceId, conversationId, before);
        model.addAttribute("canReply", !place.channelDeleted());
        model.addAttribute("upload", attachments.uploadHints());
        model.addAttribute("channelPaused", place.channelDeleted() ? null : channels.find(place.channelId())
                .map(ChannelRecord::state)
                .filter(state -> state != ChannelState.RUNNING && state != ChannelState.DEGRADED)
                .map(views::state).orElse(null));
        return "inbox";
    }

    /**
     * The conversation list alone, for the live page: the next page ({@code after}), or the first {@code limit}
     * conversations again when something changed.
     */
    @GetMapping("/list")
    String list(@PathVariable("space") UUID spaceId, Filter filter,
                @RequestParam(name = "selected", required = false) UUID selected,
                @RequestParam(name = "after", required = false) String after,
                @RequestParam(name = "limit", defaultValue = "" + PAGE) int limit, Model model) {
        model.addAttribute("space", space(spaceId));
        list(model, spaceId, filter, after, Math.clamp(limit, 1, MOST_LISTED), selected);
        return "inbox :: conversation-list";
    }

    /** A transcript alone, for the live page (the latest messages, or those before one); reading it marks it read. */
    @GetMapping(CONVERSATION + "/transcript")
    String transcript(@PathVariable("space") UUID spaceId, @PathVariable("conversation") UUID conversationId,
                      @RequestParam(name = "before", required = false) UUID before, Model model) {
        model.addAttribute("space", space(spaceId));
        place(spaceId, conversationId);
        inbox.markRead(conversationId);
        transcript(model, spaceId, conversationId, before);
        return "inbox :: transcript";
    }

    /** An agent's "Mark read" in the list: read for every agent of the Space. */
    @PostMapping(CONVERSATION + "/read")
    String markRead(@PathVariable("space") UUID spaceId, @PathVariable("conversation") UUID conversationId,
                    Filter filter) {
        space(spaceId);
        place(spaceId, conversationId);
        inbox.markRead(conversationId);
        return "redirect:" + filter.link("/spaces/" + spaceId + "/inbox");
    }

    /** "Try again" on a failed reply, "Send again" on one that may not have been delivered: the API's retry. */
    @PostMapping(CONVERSATION + "/messages/{message:" + ID + "}/send-again")
    String sendAgain(@PathVariable("space") UUID spaceId, @PathVariable("conversation") UUID conversationId,
                     @PathVariable("message") UUID messageId, RedirectAttributes redirect) {
        space(spaceId);
        place(spaceId, conversationId);
        switch (replies.sendAgain(conversationId, messageId).outcome()) {
            case NOT_FOUND -> throw Pages.notFound();
            case NOT_UNSENT -> redirect.addFlashAttribute("error", "That message was sent or is queued already: it "
                    + "was not sent again.");
            case QUEUED -> redirect.addFlashAttribute("notice", "Queued again.");
        }
        return "redirect:/spaces/" + spaceId + "/inbox/" + conversationId + "#message-" + messageId;
    }

    /**
     * The file of a message's attachment: through the channel for what a member sent (cached), from the host's copy
     * for what an agent attached. {@code preview} asks for the smaller copy of an image, {@code download} for a
     * download whatever the type.
     */
    @GetMapping("/{conversation:" + CANONICAL_ID + "}/messages/{message:" + CANONICAL_ID
            + "}/attachments/{index:0|[1-9][0-9]{0,2}}")
    ResponseEntity<byte[]> attachment(@PathVariable("space") UUID spaceId,
                                      @PathVariable("conversation") UUID conversationId,
                                      @PathVariable("message") UUID messageId, @PathVariable("index") int index,
                                      @RequestParam(name = "preview", defaultValue = "false") boolean preview,
                                      @RequestParam(name = "download", defaultValue = "false") boolean download) {
        space(spaceId);
        Place place = place(spaceId, conversationId);
        try {
            return TranscriptAttachments.response(
                    files.file(place.channelId(), conversationId, messageId, index, preview), download);
        } catch (ChannelFiles.Unavailable e) {
            return TranscriptAttachments.unavailable(e.status(), e.getMessage());
        }
    }

    @PostMapping(CONVERSATION + "/reply")
    String reply(@PathVariable("space") UUID spaceId, @PathVariable("conversation") UUID conversationId,
                 @RequestParam(name = "text", defaultValue = "") String text,
                 @RequestParam(name = "file", required = false) Part filePart, Principal principal,
                 RedirectAttributes redirect) {
        space(spaceId);
        Place place = place(spaceId, conversationId);
        String target = "redirect:/spaces/" + spaceId + "/inbox/" + conversationId;
        if (place.channelDeleted()) {
            redirect.addFlashAttribute("error", "This conversation's channel was deleted: replies cannot be sent.");
            return target;
        }
        ReplyFiles.ReplyFile file;
        try {
            file = uploads.accept(filePart);
        } catch (Uploads.Refused e) {
            redirect.addFlashAttribute("replyError", e.getMessage());
            redirect.addFlashAttribute("replyText", text);
            return target + "#reply";
        }
        if (text.isBlank() && file == null) {
            redirect.addFlashAttribute("replyError", "Write a reply or attach a file first.");
            return target;
        }
        if (text.length() > MAX_REPLY) {
            redirect.addFlashAttribute("replyError", "A reply can be at most " + MAX_REPLY
                    + " characters long (it has " + text.length() + ").");
            redirect.addFlashAttribute("replyText", text);
            return target;
        }
        replies.reply(conversationId, text, file, Pages.actor(principal));
        return target + "#reply";
    }

    /** Server-sent events: "inbox", with the changed conversation's id, whenever the Space's inbox changes. */
    @GetMapping("/events")
    @ResponseBody
    SseEmitter events(@PathVariable("space") UUID spaceId, Principal principal) {
        space(spaceId);
        return live.listen(principal.getName(), spaceId);
    }

    private void list(Model model, UUID spaceId, Filter filter, String after, int limit, UUID selected) {
        ConversationRepository.Cursor cursor;
        try {
            cursor = after == null ? null : ConversationRepository.Cursor.decode(after);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        UUID channelId = filter.channel() != null && channels.find(filter.channel())
                .filter(channel -> channel.spaceId().equals(spaceId)).isPresent() ? filter.channel() : null;
        ConversationRepository.InboxPage page = inbox.inbox(new ConversationRepository.InboxQuery(spaceId, channelId,
                filter.q(), filter.unread(), cursor, limit));
        model.addAttribute("filter", new Filter(filter.q(), channelId, filter.unread()));
        model.addAttribute("channels", channels.findBySpace(spaceId));
        model.addAttribute("continued", cursor != null);
        model.addAttribute("selected", selected);
        model.addAttribute("page", new ListPage(page.conversations().stream()
                .map(view -> row(view, view.id().equals(selected))).toList(),
                page.next() == null ? null : page.next().encoded()));
    }

    private static ConversationRow row(ConversationView view, boolean selected) {
        String name = view.memberName() != null ? view.memberName()
                : view.title() != null ? view.title() : "Conversation " + view.externalId();
        String handle = view.memberUsername() != null ? "@" + view.memberUsername()
                : "PRIVATE".equals(view.kind()) ? null : view.kind().toLowerCase(Locale.ROOT);
        return new ConversationRow(view.id(), name, handle, view.channelName(), view.lastText(), view.lastMessageAt(),
                view.unread(), Boolean.TRUE.equals(view.memberBlocked()), selected);
    }

    /** A page of a transcript, and the first message's id when there are older ones. */
    private void transcript(Model model, UUID spaceId, UUID conversationId, UUID before) {
        List<MessageView> page = inbox.transcript(conversationId, before, TRANSCRIPT_PAGE + 1);
        boolean older = page.size() > TRANSCRIPT_PAGE;
        List<MessageLine> lines = (older ? page.subList(1, page.size()) : page).stream()
                .map(message -> line(message, "/spaces/" + spaceId + "/inbox/" + conversationId + "/messages/"))
                .toList();
        model.addAttribute("conversationId", conversationId);
        model.addAttribute("messages", lines);
        model.addAttribute("olderThan", older ? lines.getFirst().id() : null);
    }

    private MessageLine line(MessageView message, String messagesPath) {
        boolean outgoing = "OUT".equals(message.direction());
        String who = outgoing ? ("greeting".equals(message.author()) ? "Greeting" : message.author())
                : message.memberName();
        String note = switch (message.kind() == null ? "" : message.kind()) {
            case "EDIT" -> "edited a message";
            case "BUTTON" -> "pressed a button";
            case "BLOCKED" -> "blocked the channel: replies will not reach them";
            case "UNBLOCKED" -> "unblocked the channel";
            case "OTHER" -> "sent something the channel does not show";
            case "GREETING" -> "sent automatically on first contact";
            default -> null;
        };
        boolean retrying = "QUEUED".equals(message.status()) && message.retryReason() != null;
        String statusWords = !outgoing ? null : switch (message.status()) {
            case "QUEUED" -> retrying ? "Retrying:" : "Queued";
            case "SENT" -> "Sent";
            case "FAILED" -> "Failed:";
            case "UNCERTAIN" -> "May not have been delivered";
            default -> message.status();
        };
        String failure = "FAILED".equals(message.status())
                ? (message.failureReason() != null ? message.failureReason() : "The network refused it.")
                + (message.failureKind() != null ? " (" + message.failureKind().toLowerCase(Locale.ROOT).replace('_', ' ') + ")" : "")
                : "UNCERTAIN".equals(message.status()) ? message.failureReason()
                : retrying ? message.retryReason().replaceFirst("\\.$", "") // ", next attempt at" follows
                : null;
        String action = !outgoing ? null : switch (message.status()) {
            case "FAILED" -> "Try again";
            case "UNCERTAIN" -> "Send again";
            default -> null;
        };
        return new MessageLine(message.id(), outgoing, who == null ? "Someone" : who, note, message.text(),
                attachments.of(message.attachments(), messagesPath + message.id()),
                outgoing && message.sentAt() != null ? message.sentAt()
                : message.createdAt(), outgoing ? message.status() : null, statusWords, failure,
                retrying ? message.nextAttemptAt() : null, action);
    }

    private Place place(UUID spaceId, UUID conversationId) {
        return inbox.place(conversationId).filter(place -> place.spaceId().equals(spaceId))
                .orElseThrow(Pages::notFound);
    }

    private Space space(UUID spaceId) {
        return spaces.find(spaceId).orElseThrow(() -> SpaceAccess.notFound(spaceId));
    }
}
