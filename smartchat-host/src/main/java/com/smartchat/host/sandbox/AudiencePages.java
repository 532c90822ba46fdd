package com.smartchat.host.sandbox;

import com.smartchat.telegram.emulator.EmulatedUser;
import java.security.Principal;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The audience page: invent Telegram users, open a chat with any sandbox bot by its link or username, and do what a
 * Telegram user does there: Start (with a deep link's payload), write, send a photo, a location or a contact, press
 * the bot's inline buttons, block and unblock it. The bot's replies appear live.
 *
 * <p>Each signed-in admin has an audience of their own: the members they invented, chatting with the bots they made
 * with BotFather. Another admin's members, bots and chats do not exist for them (404), whatever the route.
 */
@Controller
@RequestMapping("/sandbox/audience")
@ConditionalOnBooleanProperty(SandboxEnvironment.ENABLED)
class AudiencePages {

    private static final Pattern MEMBER_USERNAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{4,31}");
    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?");
    private static final int MAX_TEXT = 4096;

    private final SandboxTelegram telegram;
    private final AudienceLive live;

    AudiencePages(SandboxTelegram telegram, AudienceLive live) {
        this.telegram = telegram;
        this.live = live;
    }

    // ---- Members and opening chats ----

    @GetMapping
    String audience(Principal principal, @RequestParam(name = "user", required = false) Long userId,
                    @RequestParam(name = "link", required = false) String link, Model model) {
        List<EmulatedUser> members = telegram.membersOf(principal.getName());
        EmulatedUser selected = userId == null ? null : telegram.memberOf(principal.getName(), userId).orElse(null);
        if (selected == null && !members.isEmpty()) {
            selected = members.getLast();
        }
        model.addAttribute("selected", selected);
        model.addAttribute("link", link == null ? "" : link);
        if (!model.containsAttribute("member")) {
            model.addAttribute("member", new MemberForm(suggestedName(members), "", "en", Map.of()));
        }
        return page(principal, model);
    }

    /** A new audience member; then the page again, with them chosen. */
    @PostMapping("/members")
    String createMember(Principal principal, @RequestParam("firstName") String firstName,
                        @RequestParam(name = "username", defaultValue = "") String username,
                        @RequestParam(name = "language", defaultValue = "") String language,
                        Model model, RedirectAttributes redirect) {
        MemberForm form = new MemberForm(firstName.strip(), stripAt(username.strip()), language.strip(), Map.of());
        Map<String, String> errors = new LinkedHashMap<>();
        if (form.firstName().isEmpty() || form.firstName().length() > 64) {
            errors.put("firstName", "A first name has 1 to 64 characters.");
        }
        if (!form.username().isEmpty()) {
            if (!MEMBER_USERNAME.matcher(form.username()).matches()) {
                errors.put("username", "A username has 5 to 32 Latin letters, digits or underscores and starts "
                        + "with a letter; or leave it empty (many Telegram users have none).");
            } else if (telegram.memberUsernameTaken(form.username()) || telegram.usernameTaken(form.username())) {
                errors.put("username", "Someone in this sandbox has the username @" + form.username()
                        + " already: usernames are unique.");
            }
        }
        if (!form.language().isEmpty() && !LANGUAGE.matcher(form.language()).matches()) {
            errors.put("language", "A language is a code such as en, de, pt-br; or leave it empty.");
        }
        if (!errors.isEmpty()) {
            model.addAttribute("member", new MemberForm(form.firstName(), form.username(), form.language(), errors));
            List<EmulatedUser> members = telegram.membersOf(principal.getName());
            model.addAttribute("selected", members.isEmpty() ? null : members.getLast());
            model.addAttribute("link", "");
            return page(principal, model);
        }
        EmulatedUser member = telegram.createMember(principal.getName(), form.firstName(), form.username(),
                form.language());
        redirect.addFlashAttribute("notice", "You are " + form.firstName() + " now. Open a chat with a bot.");
        return "redirect:/sandbox/audience?user=" + member.id();
    }

    /** Opens a bot's chat from its link or username, as a Telegram app does. */
    @PostMapping("/open")
    String open(Principal principal, @RequestParam("user") long userId, @RequestParam("link") String link,
                RedirectAttributes redirect) {
        EmulatedUser member = member(principal, userId);
        Optional<TelegramLink> parsed = TelegramLink.parse(link);
        Optional<SandboxBot> bot = parsed.flatMap(found -> telegram.botOf(principal.getName(), found.username()));
        if (bot.isEmpty()) {
            redirect.addFlashAttribute("error", parsed.isEmpty()
                    ? "That is neither a bot's link nor a username. Try https://t.me/<username> or @<username>."
                    : "None of your sandbox bots has the username @" + parsed.get().username()
                            + ". Create it with BotFather first, or check the spelling.");
            redirect.addAttribute("user", member.id());
            redirect.addAttribute("link", link);
            return "redirect:/sandbox/audience";
        }
        UriComponentsBuilder target = UriComponentsBuilder.fromPath("/sandbox/audience/{user}/{bot}");
        if (parsed.get().start() != null) {
            target.queryParam("start", parsed.get().start());
        }
        return "redirect:" + target.buildAndExpand(member.id(), bot.get().username()).encode().toUriString();
    }

    // ---- A chat ----

    @GetMapping("/{user}/{bot}")
    String chat(Principal principal, @PathVariable("user") long userId, @PathVariable("bot") String username,
                @RequestParam(name = "start", required = false) String start, Model model) {
        EmulatedUser member = member(principal, userId);
        SandboxBot bot = bot(principal, username);
        SandboxTelegram.ChatView view = telegram.chat(member, bot);
        boolean validStart = TelegramLink.validStart(start);
        model.addAttribute("member", member);
        model.addAttribute("bot", bot);
        model.addAttribute("chat", view);
        model.addAttribute("start", validStart ? start : null);
        model.addAttribute("startIgnored", start != null && !validStart);
        model.addAttribute("showStart", !view.blocked() && (view.isEmpty() || start != null));
        model.addAttribute("otherChats", telegram.chatsOf(member).stream().filter(other -> other != bot).toList());
        return "sandbox/chat";
    }

    /** The chat's lines alone, for the page's live updates. */
    @GetMapping("/{user}/{bot}/transcript")
    String transcript(Principal principal, @PathVariable("user") long userId, @PathVariable("bot") String username,
                      Model model) {
        EmulatedUser member = member(principal, userId);
        SandboxBot bot = bot(principal, username);
        model.addAttribute("member", member);
        model.addAttribute("bot", bot);
        model.addAttribute("chat", telegram.chat(member, bot));
        return "sandbox/chat :: transcript";
    }

    @GetMapping(path = "/{user}/{bot}/events", produces = "text/event-stream")
    SseEmitter events(Principal principal, @PathVariable("user") long userId, @PathVariable("bot") String username) {
        return live.listen(principal.getName(), new SandboxTelegram.ChatKey(member(principal, userId).id(),
                bot(principal, username).bot().id()));
    }

    @PostMapping("/{user}/{bot}/start")
    String start(Principal principal, @PathVariable("user") long userId, @PathVariable("bot") String username,
                 @RequestParam(name = "start", required = false) String start, RedirectAttributes redirect) {
        return act(principal, userId, username, redirect, (member, bot) ->
                telegram.start(member, bot, TelegramLink.validStart(start) ? start : null));
    }

    @PostMapping("/{user}/{bot}/messages")
    String send(Principal principal, @PathVariable("user") long userId, @PathVariable("bot") String username,
                @RequestParam("text") String text, RedirectAttributes redirect) {
        return act(principal, userId, username, redirect, (member, bot) -> {
            if (text.length() > MAX_TEXT) {
                throw new IllegalArgumentException("Telegram takes at most " + MAX_TEXT + " characters per message.");
            }
            if (!text.isBlank()) {
                telegram.send(member, bot, text);
            }
        });
    }

    @PostMapping("/{user}/{bot}/photo")
    String photo(Principal principal, @PathVariable("user") long userId, @PathVariable("bot") String username,
                 @RequestParam(name = "caption", defaultValue = "") String caption, RedirectAttributes redirect) {
        return act(principal, userId, username, redirect, (member, bot) -> {
            if (caption.length() > 1024) {
                throw new IllegalArgumentException("A caption has at most 1024 characters.");
            }
            telegram.sendPhoto(member, bot, caption);
        });
    }

    @PostMapping("/{user}/{bot}/location")
    String location(Principal principal, @PathVariable("user") long userId, @PathVariable("bot") String username,
                    @RequestParam("latitude") double latitude, @RequestParam("longitude") double longitude,
                    RedirectAttributes redirect) {
        return act(principal, userId, username, redirect, (member, bot) -> {
            if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
                throw new IllegalArgumentException(
                        "A latitude is between -90 and 90, a longitude between -180 and 180.");
            }
            telegram.sendLocation(member, bot, latitude, longitude);
        });
    }

    @PostMapping("/{user}/{bot}/contact")
    String contact(Principal principal, @PathVariable("user") long userId, @PathVariable("bot") String username,
                   @RequestParam("phone") String phone, @RequestParam("name") String name,
                   RedirectAttributes redirect) {
        return act(principal, userId, username, redirect, (member, bot) -> {
            if (phone.isBlank() || name.isBlank()) {
                throw new IllegalArgumentException("A contact needs a phone number and a first name.");
            }
            telegram.sendContact(member, bot, phone.strip(), name.strip());
        });
    }

    @PostMapping("/{user}/{bot}/buttons")
    String press(Principal principal, @PathVariable("user") long userId, @PathVariable("bot") String username,
                 @RequestParam("message") int messageId, @RequestParam("data") String data,
                 RedirectAttributes redirect) {
        return act(principal, userId, username, redirect, (member, bot) -> telegram.press(member, bot, messageId, data));
    }

    @PostMapping("/{user}/{bot}/block")
    String block(Principal principal, @PathVariable("user") long userId, @PathVariable("bot") String username,
                 RedirectAttributes redirect) {
        return act(principal, userId, username, redirect, telegram::block);
    }

    @PostMapping("/{user}/{bot}/unblock")
    String unblock(Principal principal, @PathVariable("user") long userId, @PathVariable("bot") String username,
                   RedirectAttributes redirect) {
        return act(principal, userId, username, redirect, telegram::unblock);
    }

    // ---- Inside ----

    /**
     * A new member: first name, optional username and language, and what was wrong with them.
     *
     * @param errors messages by field name
     */
    record MemberForm(String firstName, String username, String language, Map<String, String> errors) {

        public String error(String field) {
            return errors.get(field);
        }

        public boolean hasErrors() {
            return !errors.isEmpty();
        }
    }

    private interface Action {
        void run(EmulatedUser member, SandboxBot bot);
    }

    /** A member's action in a chat of the signed-in admin's (404 for anyone else's); a refusal becomes a notice. */
    private String act(Principal principal, long userId, String username, RedirectAttributes redirect,
                       Action action) {
        EmulatedUser member = member(principal, userId);
        SandboxBot bot = bot(principal, username);
        try {
            action.run(member, bot);
        } catch (IllegalStateException | IllegalArgumentException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return chatRedirect(member.id(), bot.username());
    }

    private String page(Principal principal, Model model) {
        model.addAttribute("members", telegram.membersOf(principal.getName()));
        model.addAttribute("bots", telegram.botsOf(principal.getName()));
        EmulatedUser selected = (EmulatedUser) model.getAttribute("selected");
        model.addAttribute("chats", selected == null ? List.of() : telegram.chatsOf(selected));
        return "sandbox/audience";
    }

    private static String suggestedName(List<EmulatedUser> members) {
        String[] names = {"Alice", "Bob", "Carol", "Dmitri", "Eva", "Farah", "Gustavo", "Hana"};
        return names[members.size() % names.length];
    }

    private static String chatRedirect(long userId, String username) {
        return "redirect:" + UriComponentsBuilder.fromPath("/sandbox/audience/{user}/{bot}")
                .buildAndExpand(userId, username).encode().toUriString() + "#last";
    }

    private EmulatedUser member(Principal principal, long userId) {
        return telegram.memberOf(principal.getName(), userId)
                .orElseThrow(() -> new ErrorResponseException(HttpStatus.NOT_FOUND));
    }

    private SandboxBot bot(Principal principal, String username) {
        return telegram.botOf(principal.getName(), username)
                .orElseThrow(() -> new ErrorResponseException(HttpStatus.NOT_FOUND));
    }

    private static String stripAt(String username) {
        return username.startsWith("@") ? username.substring(1) : username;
    }
}
