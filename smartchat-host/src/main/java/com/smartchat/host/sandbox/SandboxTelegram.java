package com.smartchat.host.sandbox;

import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.SentMessage;
import com.smartchat.telegram.emulator.UserMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The sandbox's Telegram: the bots its BotFather made, the audience members the admins invented, and every private
 * chat between them as the members' Telegram apps would show it. It lives in memory, with the emulator's own state;
 * every change is announced to the {@code changed} action, through which {@link SandboxStore} keeps it in the data
 * directory, and {@link #restore} takes it back after a restart.
 *
 * <p>A chat is the member's own lines (recorded as they are sent through the emulator) and the bot's (observed with
 * the emulator's {@link BotApiEmulator#onBotMessage}), so that replies from the host show up as they are sent.
 * Tokens are never logged, and {@link SandboxBot#toString()} leaves them out.
 */
public class SandboxTelegram implements AutoCloseable {

    /** The most lines kept per chat. */
    static final int CHAT_LIMIT = 500;

    private final BotApiEmulator telegram;
    private final Clock clock;
    private final Map<String, SandboxBot> bots = new ConcurrentHashMap<>();
    private final Map<Long, Member> members = new ConcurrentHashMap<>();
    private final Map<ChatKey, Chat> chats = new ConcurrentHashMap<>();
    private final List<ChatListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    private final BotApiEmulator.Subscription subscription;
    private final Runnable changed;

    /** A private chat: one member, one bot. */
    public record ChatKey(long userId, long botId) {
    }

    /** An audience member and the admin who invented them, the only one who may see and act as them. */
    private record Member(EmulatedUser user, String owner) {
    }

    /** Told when a chat changed; gets no content, only which chat. */
    @FunctionalInterface
    public interface ChatListener {
        void changed(ChatKey chat);
    }

    /**
     * A chat as its member sees it.
     *
     * @param entries the lines, oldest first
     * @param blocked whether the member blocked the bot
     */
    public record ChatView(List<ChatEntry> entries, boolean blocked) {

        public boolean isEmpty() {
            return entries.isEmpty();
        }
    }

    private static final class Chat {
        final List<ChatEntry> entries = new ArrayList<>();
        boolean blocked;
    }

    /**
     * What a restart must not lose: the emulator's own state (bots with their tokens, users, chats, pending
     * updates: a secret, as it holds the tokens) and the sandbox's (who made which bot and member, the chats' lines).
     */
    record Saved(String emulator, List<SavedBot> bots, List<SavedMember> members, List<SavedChat> chats, long seq) {
    }

    record SavedBot(String username, String owner, Instant created) {
    }

    record SavedMember(long id, String owner) {
    }

    record SavedChat(long userId, long botId, boolean blocked, List<ChatEntry> entries) {
    }

    /**
     * @param changed run after every change of a bot, a member or a chat, on the thread that made it and holding
     *     none of this sandbox's locks
     */
    public SandboxTelegram(BotApiEmulator telegram, Clock clock, Runnable changed) {
        this.telegram = telegram;
        this.clock = clock;
        this.changed = changed;
        this.subscription = telegram.onBotMessage(this::botDid);
    }

    /** The state to keep, taken while the sandbox goes on; what changes meanwhile is in the next one. */
    Saved save() {
        String emulator = telegram.saveState();
        List<SavedChat> saved = new ArrayList<>();
        chats.forEach((key, chat) -> {
            synchronized (chat) {
                saved.add(new SavedChat(key.userId(), key.botId(), chat.blocked, List.copyOf(chat.entries)));
            }
        });
        return new Saved(emulator,
                bots.values().stream().map(bot -> new SavedBot(bot.username(), bot.owner(), bot.created())).toList(),
                members.values().stream().map(member -> new SavedMember(member.user().id(), member.owner())).toList(),
                saved, seq.get());
    }

    /**
     * Takes back a saved state, before anyone uses this sandbox: the emulator's bots answer their tokens again, the
     * members and their chats are back. A bot or member that the emulator's part did not hold yet when it was saved
     * (made in the moment between the two parts) is left out.
     */
    void restore(Saved saved) {
        telegram.restoreState(saved.emulator());
        Map<String, EmulatedBot> emulatedBots = new HashMap<>();
        telegram.bots().forEach(bot -> emulatedBots.put(bot.username().toLowerCase(Locale.ROOT), bot));
        Map<Long, EmulatedUser> users = new HashMap<>();
        telegram.users().forEach(user -> users.put(user.id(), user));
        for (SavedBot bot : saved.bots()) {
            String key = bot.username().toLowerCase(Locale.ROOT);
            Optional.ofNullable(emulatedBots.get(key))
                    .ifPresent(emulated -> bots.put(key, new SandboxBot(emulated, bot.owner(), bot.created())));
        }
        for (SavedMember member : saved.members()) {
            Optional.ofNullable(users.get(member.id()))
                    .ifPresent(user -> members.put(user.id(), new Member(user, member.owner())));
        }
        for (SavedChat one : saved.chats()) {
            Chat chat = new Chat();
            chat.blocked = one.blocked();
            chat.entries.addAll(one.entries());
            chats.put(new ChatKey(one.userId(), one.botId()), chat);
        }
        seq.set(saved.seq());
    }

    /** The Bot API address of the sandbox, for the pages (never with a token). */
    public String baseUrl() {
        return telegram.baseUrl();
    }

    // ---- Bots, for BotFather ----

    /** Whether a bot has this username, in any case. */
    public boolean usernameTaken(String username) {
        return bots.containsKey(username.toLowerCase(Locale.ROOT));
    }

    /**
     * Makes a bot, once BotFather accepted its name and username.
     *
     * @throws IllegalArgumentException when the username is taken after all (two admins at once)
     */
    public SandboxBot createBot(String owner, String name, String username) {
        String key = username.toLowerCase(Locale.ROOT);
        SandboxBot bot;
        synchronized (bots) {
            if (bots.containsKey(key)) {
                throw new IllegalArgumentException("taken");
            }
            bot = new SandboxBot(telegram.createBot(name, username), owner, clock.instant());
            bots.put(key, bot);
        }
        changed.run();
        return bot;
    }

    /** Every bot, oldest first. */
    public List<SandboxBot> bots() {
        return bots.values().stream().sorted(Comparator.comparing(SandboxBot::created)
                .thenComparing(SandboxBot::username)).toList();
    }

    /** The bots one admin made, oldest first. */
    public List<SandboxBot> botsOf(String owner) {
        return bots().stream().filter(bot -> bot.owner().equals(owner)).toList();
    }

    /** The bot with this username, in any case, without "@". */
    public Optional<SandboxBot> bot(String username) {
        return username == null ? Optional.empty() : Optional.ofNullable(bots.get(username.toLowerCase(Locale.ROOT)));
    }

    /** The bot with this username if this admin made it: another admin's bots do not exist for them. */
    public Optional<SandboxBot> botOf(String owner, String username) {
        return bot(username).filter(bot -> bot.owner().equals(owner));
    }

    /** Issues a new token; the old one stops working at once, as with Telegram (a running channel gets 401). */
    public String rotateToken(SandboxBot bot) {
        String token = telegram.rotateToken(bot.bot());
        changed.run();
        return token;
    }

    /** Deletes the bot: its token stops working, its username is free again, its chats are gone. */
    public void deleteBot(SandboxBot bot) {
        if (bots.remove(bot.username().toLowerCase(Locale.ROOT), bot)) {
            telegram.deleteBot(bot.bot());
            chats.keySet().removeIf(key -> key.botId() == bot.bot().id());
            changed.run();
        }
    }

    // ---- Audience members ----

    /** Invents a Telegram user, whom only the admin who invented them sees and acts as. */
    public EmulatedUser createMember(String owner, String firstName, String username, String language) {
        EmulatedUser user = telegram.createUser(firstName, blankToNull(username), blankToNull(language));
        members.put(user.id(), new Member(user, owner));
        changed.run();
        return user;
    }

    /** The members one admin invented, oldest first. */
    public List<EmulatedUser> membersOf(String owner) {
        return members.values().stream().filter(member -> member.owner().equals(owner)).map(Member::user)
                .sorted(Comparator.comparingLong(EmulatedUser::id)).toList();
    }

    /** The member with this id if this admin invented them: another admin's members do not exist for them. */
    public Optional<EmulatedUser> memberOf(String owner, long id) {
        return Optional.ofNullable(members.get(id)).filter(member -> member.owner().equals(owner)).map(Member::user);
    }

    /** Whether a member has this username, in any case (usernames are unique in the whole sandbox, as in Telegram). */
    public boolean memberUsernameTaken(String username) {
        return members.values().stream().map(Member::user)
                .anyMatch(member -> member.username() != null && member.username().equalsIgnoreCase(username));
    }

    /** The bots of the member's admin that the member has a chat with, most recent chat first. */
    public List<SandboxBot> chatsOf(EmulatedUser member) {
        Member known = members.get(member.id());
        if (known == null) {
            return List.of();
        }
        return botsOf(known.owner()).stream()
                .filter(bot -> chats.containsKey(new ChatKey(member.id(), bot.bot().id())))
                .sorted(Comparator.comparingLong((SandboxBot bot) -> lastSeq(member, bot)).reversed())
                .toList();
    }

    // ---- What members do ----

    public ChatView chat(EmulatedUser member, SandboxBot bot) {
        Chat chat = chats.get(key(member, bot));
        if (chat == null) {
            return new ChatView(List.of(), false);
        }
        synchronized (chat) {
            return new ChatView(List.copyOf(chat.entries), chat.blocked);
        }
    }

    /** Presses Start: {@code /start}, or {@code /start PAYLOAD} from a deep link. */
    public void start(EmulatedUser member, SandboxBot bot, String payload) {
        if (payload == null || payload.isEmpty()) {
            userDid(member, bot, "text", null, user -> user.start(bot.bot()), "/start");
        } else {
            userDid(member, bot, "text", null, user -> user.start(bot.bot(), payload), "/start " + payload);
        }
    }

    public void send(EmulatedUser member, SandboxBot bot, String text) {
        userDid(member, bot, "text", null, user -> user.send(bot.bot(), text), text);
    }

    public void sendPhoto(EmulatedUser member, SandboxBot bot, String caption) {
        userDid(member, bot, "photo", "Photo, 1280 × 960", user -> user.sendPhoto(bot.bot(), blankToNull(caption)),
                blankToNull(caption));
    }

    public void sendLocation(EmulatedUser member, SandboxBot bot, double latitude, double longitude) {
        userDid(member, bot, "location", String.format(Locale.ROOT, "Location %.5f, %.5f", latitude, longitude),
                user -> user.sendLocation(bot.bot(), latitude, longitude), null);
    }

    public void sendContact(EmulatedUser member, SandboxBot bot, String phone, String firstName) {
        userDid(member, bot, "contact", "Contact: " + firstName + ", " + phone,
                user -> user.sendContact(bot.bot(), phone, firstName), null);
    }

    /**
     * Presses an inline button of one of the bot's messages.
     *
     * @throws IllegalArgumentException when the message has no such button
     */
    public void press(EmulatedUser member, SandboxBot bot, int messageId, String callbackData) {
        member.pressButton(bot.bot(), messageId, callbackData);
        String label = chat(member, bot).entries().stream()
                .filter(entry -> entry.fromBot() && entry.messageId() == messageId)
                .flatMap(entry -> entry.buttons().stream())
                .filter(button -> callbackData.equals(button.callbackData()))
                .map(SentMessage.Button::text).findFirst().orElse(callbackData);
        append(key(member, bot), chat -> serviceLine("You pressed “" + label + "”"));
    }

    public void block(EmulatedUser member, SandboxBot bot) {
        member.block(bot.bot());
        setBlocked(member, bot, true, "You blocked the bot");
    }

    public void unblock(EmulatedUser member, SandboxBot bot) {
        member.unblock(bot.bot());
        setBlocked(member, bot, false, "You unblocked the bot");
    }

    // ---- Live updates ----

    /** Registers a listener to every chat's changes; the returned action removes it. */
    public Runnable onChange(ChatListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
        subscription.close();
    }

    // ---- Inside ----

    private void setBlocked(EmulatedUser member, SandboxBot bot, boolean blocked, String line) {
        ChatKey key = key(member, bot);
        Chat chat = chats.computeIfAbsent(key, k -> new Chat());
        synchronized (chat) {
            chat.blocked = blocked;
            add(chat, serviceLine(line));
        }
        changed(key);
    }

    /** Does what the member does in the emulator, then records the line the member sees. */
    private void userDid(EmulatedUser member, SandboxBot bot, String kind, String detail,
                         Function<EmulatedUser, UserMessage> action, String text) {
        ChatKey key = key(member, bot);
        Chat chat = chats.computeIfAbsent(key, k -> new Chat());
        // One member's lines in the order the bot receives them.
        synchronized (chat) {
            if (chat.blocked) {
                throw new IllegalStateException("You blocked this bot: unblock it to write to it.");
            }
            UserMessage sent = action.apply(member);
            add(chat, new ChatEntry(seq.incrementAndGet(), ChatEntry.Side.USER, kind, text, detail, List.of(),
                    sent.messageId(), false, false, clock.instant()));
        }
        changed(key);
    }

    private void botDid(SentMessage message) {
        if (message.chatId() <= 0 || !members.containsKey(message.chatId())) {
            return; // a group, or a user the sandbox did not invent
        }
        ChatKey key = new ChatKey(message.chatId(), message.botId());
        Chat chat = chats.computeIfAbsent(key, k -> new Chat());
        synchronized (chat) {
            switch (message.action()) {
                case SENT -> add(chat, new ChatEntry(seq.incrementAndGet(), ChatEntry.Side.BOT,
                        message.kind().name().toLowerCase(Locale.ROOT), BotText.plain(message.text(), message.parseMode()),
                        message.kind() == SentMessage.Kind.TEXT ? null : BotText.describe(message.kind()),
                        message.buttons(), message.messageId(), false, false, clock.instant()));
                case EDITED -> replace(chat, message.messageId(),
                        entry -> entry.edit(BotText.plain(message.text(), message.parseMode()),
                                message.replyMarkupJson() == null ? entry.buttons() : message.buttons()));
                case DELETED -> replace(chat, message.messageId(), ChatEntry::delete);
            }
        }
        changed(key);
    }

    private void append(ChatKey key, Function<Chat, ChatEntry> line) {
        Chat chat = chats.computeIfAbsent(key, k -> new Chat());
        synchronized (chat) {
            add(chat, line.apply(chat));
        }
        changed(key);
    }

    private ChatEntry serviceLine(String text) {
        return new ChatEntry(seq.incrementAndGet(), ChatEntry.Side.SERVICE, "service", text, null, List.of(), 0,
                false, false, clock.instant());
    }

    private static void add(Chat chat, ChatEntry entry) {
        chat.entries.add(entry);
        if (chat.entries.size() > CHAT_LIMIT) {
            chat.entries.removeFirst();
        }
    }

    private static void replace(Chat chat, int messageId, java.util.function.UnaryOperator<ChatEntry> change) {
        for (int i = chat.entries.size() - 1; i >= 0; i--) {
            ChatEntry entry = chat.entries.get(i);
            if (entry.fromBot() && entry.messageId() == messageId) {
                chat.entries.set(i, change.apply(entry));
                return;
            }
        }
    }

    private long lastSeq(EmulatedUser member, SandboxBot bot) {
        List<ChatEntry> entries = chat(member, bot).entries();
        return entries.isEmpty() ? 0 : entries.getLast().seq();
    }

    private void changed(ChatKey key) {
        changed.run();
        for (ChatListener listener : listeners) {
            listener.changed(key);
        }
    }

    private static ChatKey key(EmulatedUser member, SandboxBot bot) {
        return new ChatKey(member.id(), bot.bot().id());
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
