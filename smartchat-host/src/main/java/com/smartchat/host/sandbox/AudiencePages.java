package com.smartchat.host.sandbox;

import com.smartchat.telegram.emulator.EmulatedUser;
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
    String audience(@RequestParam(name = "user", required = false) Long userId,
                    @RequestParam(name = "link", required = false) String link, Model model) {
        EmulatedUser selected = userId == null ? null : telegram.member(userId).orElse(null);
        if (selected == null && !telegram.members().isEmpty()) {
            selected = telegram.members().getLast();
        }
        model.addAttribute("selected", selected);
        model.addAttribute("link", link == null ? "" : link);
        if (!model.containsAttribute("member")) {
            model.addAttribute("member", new MemberForm(suggestedName(), "", "en", Map.of()));
        }
        return page(model);
    }

    /** A new audience member; then the page again, with them chosen. */
    @PostMapping("/members")
    String createMember(@RequestParam("firstName") String firstName,
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
            model.addAttribute("selected", telegram.members().isEmpty() ? null : telegram.members().getLast());
            model.addAttribute("link", "");
            return page(model);
        }
        EmulatedUser member = telegram.createMember(form.firstName(), form.username(), form.language());
        redirect.addFlashAttribute("notice", "You are " + form.firstName() + " now. Open a chat with a bot.");
        return "redirect:/sandbox/audience?user=" + member.id();
    }

    /** Opens a bot's chat from its link or username, as a Telegram app does. */
    @PostMapping("/open")
    String open(@RequestParam("user") long userId, @RequestParam("link") String link, RedirectAttributes redirect) {
        EmulatedUser member = member(userId);
        Optional<TelegramLink> parsed = TelegramLink.parse(link);
        Optional<SandboxBot> bot = parsed.flatMap(found -> telegram.bot(found.username()));
        if (bot.isEmpty()) {
            redirect.addFlashAttribute("error", parsed.isEmpty()
                    ? "That is neither a bot's link nor a username. Try https://t.me/<username> or @<username>."
                    : "No bot of this sandbox has the username @" + parsed.get().username()
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
    String chat(@PathVariable("user") long userId, @PathVariable("bot") String username,
                @RequestParam(name = "start", required = false) String start, Model model) {
        EmulatedUser member = member(userId);
        SandboxBot bot = bot(username);
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
    String transcript(@PathVariable("user") long userId, @PathVariable("bot") String username, Model model) {
        EmulatedUser member = member(userId);
        SandboxBot bot = bot(username);
        model.addAttribute("member", member);
        model.addAttribute("bot", bot);
        model.addAttribute("chat", telegram.chat(member, bot));
        return "sandbox/chat :: transcript";
    }

    @GetMapping(path = "/{user}/{bot}/events", produces = "text/event-stream")
    SseEmitter events(@PathVariable("user") long userId, @PathVariable("bot") String username) {
        return live.listen(new SandboxTelegram.ChatKey(member(userId).id(), bot(username).bot().id()));
    }

    @PostMapping("/{user}/{bot}/start")
    String start(@PathVariable("user") long userId, @PathVariable("bot") String username,
                 @RequestParam(name = "start", required = false) String start, RedirectAttributes redirect) {
        return act(userId, username, redirect, (member, bot) ->
                telegram.start(member, bot, TelegramLink.validStart(start) ? start : null));
    }

    @PostMapping("/{user}/{bot}/messages")
    String send(@PathVariable("user") long userId, @PathVariable("bot") String username,
                @RequestParam("text") String text, RedirectAttributes redirect) {
        if (text.isBlank()) {
            return chatRedirect(userId, username);
        }
        if (text.length() > MAX_TEXT) {
            redirect.addFlashAttribute("error", "Telegram takes at most " + MAX_TEXT + " characters per message.");
            return chatRedirect(userId, username);
        }
        return act(userId, username, redirect, (member, bot) -> telegram.send(member, bot, text));
    }

    @PostMapping("/{user}/{bot}/photo")
    String photo(@PathVariable("user") long userId, @PathVariable("bot") String username,
                 @RequestParam(name = "caption", defaultValue = "") String caption, RedirectAttributes redirect) {
        if (caption.length() > 1024) {
            redirect.addFlashAttribute("error", "A caption has at most 1024 characters.");
            return chatRedirect(userId, username);
        }
        return act(userId, username, redirect, (member, bot) -> telegram.sendPhoto(member, bot, caption));
    }

    @PostMapping("/{user}/{bot}/location")
    String location(@PathVariable("user") long userId, @PathVariable("bot") String username,
                    @RequestParam("latitude") double latitude, @RequestParam("longitude") double longitude,
                    RedirectAttributes redirect) {
        if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
            redirect.addFlashAttribute("error", "A latitude is between -90 and 90, a longitude between -180 and 180.");
            return chatRedirect(userId, username);
        }
        return act(userId, username, redirect, (member, bot) -> telegram.sendLocation(member, bot, latitude, longitude));
    }

    @PostMapping("/{user}/{bot}/contact")
    String contact(@PathVariable("user") long userId, @PathVariable("bot") String username,
                   @RequestParam("phone") String phone, @RequestParam("name") String name,
                   RedirectAttributes redirect) {
        if (phone.isBlank() || name.isBlank()) {
            redirect.addFlashAttribute("error", "A contact needs a phone number and a first name.");
            return chatRedirect(userId, username);
        }
        return act(userId, username, redirect, (member, bot) -> telegram.sendContact(member, bot, phone.strip(),
                name.strip()));
    }

    @PostMapping("/{user}/{bot}/buttons")
    String press(@PathVariable("user") long userId, @PathVariable("bot") String username,
                 @RequestParam("message") int messageId, @RequestParam("data") String data,
                 RedirectAttributes redirect) {
        return act(userId, username, redirect, (member, bot) -> telegram.press(member, bot, messageId, data));
    }

    @PostMapping("/{user}/{bot}/block")
    String block(@PathVariable("user") long userId, @PathVariable("bot") String username, RedirectAttributes redirect) {
        return act(userId, username, redirect, telegram::block);
    }

    @PostMapping("/{user}/{bot}/unblock")
    String unblock(@PathVariable("user") long userId, @PathVariable("bot") String username,
                   RedirectAttributes redirect) {
        return act(userId, username, redirect, telegram::unblock);
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

    private String act(long userId, String username, RedirectAttributes redirect, Action action) {
        EmulatedUser member = member(userId);
        SandboxBot bot = bot(username);
        try {
            action.run(member, bot);
        } catch (IllegalStateException | IllegalArgumentException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return chatRedirect(member.id(), bot.username());
    }

    private String page(Model model) {
        model.addAttribute("members", telegram.members());
        model.addAttribute("bots", telegram.bots());
        EmulatedUser selected = (EmulatedUser) model.getAttribute("selected");
        model.addAttribute("chats", selected == null ? java.util.List.of() : telegram.chatsOf(selected));
        return "sandbox/audience";
    }

    private String suggestedName() {
        String[] names = {"Alice", "Bob", "Carol", "Dmitri", "Eva", "Farah", "Gustavo", "Hana"};
        return names[telegram.members().size() % names.length];
    }

    private static String chatRedirect(long userId, String username) {
        return "redirect:" + UriComponentsBuilder.fromPath("/sandbox/audience/{user}/{bot}")
                .buildAndExpand(userId, username).encode().toUriString() + "#last";
    }

    private EmulatedUser member(long userId) {
        return telegram.member(userId).orElseThrow(() -> new ErrorResponseException(HttpStatus.NOT_FOUND));
    }

    private SandboxBot bot(String username) {
        return telegram.bot(username).orElseThrow(() -> new ErrorResponseException(HttpStatus.NOT_FOUND));
    }

    private static String stripAt(String username) {
        return username.startsWith("@") ? username.substring(1) : username;
    }
}
