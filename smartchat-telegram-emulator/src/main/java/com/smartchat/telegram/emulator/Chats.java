package com.smartchat.telegram.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Users, private chats and groups, and everything users do in them: the source of the updates bots receive.
 *
 * <p>Ids are 64-bit like Telegram's today: users above 2^32, basic groups below -2^31, supergroups
 * {@code -100xxxxxxxxxx}. A bot can address a private chat only after the user wrote to it, as on Telegram.
 */
final class Chats {

    private final int historyLimit;
    private final FileStore files;
    private final AtomicLong nextUserId = new AtomicLong(6_100_000_000L);
    private final AtomicLong nextGroupNumber = new AtomicLong(100_000_000L);
    private final Map<Long, EmulatedUser> users = new ConcurrentHashMap<>();
    private final Map<PrivateKey, PrivateChat> privateChats = new ConcurrentHashMap<>();
    private final Map<Long, EmulatedGroup> groups = new ConcurrentHashMap<>();
    private final Map<String, ButtonPress> presses = new ConcurrentHashMap<>();

    private record PrivateKey(long botId, long userId) {
    }

    /** The private chat of one user with one bot. */
    private static final class PrivateChat {
        final EmulatedUser user;
        final MessageLog log;
        boolean blocked;

        PrivateChat(EmulatedUser user, int historyLimit) {
            this.user = user;
            this.log = new MessageLog(historyLimit);
        }
    }

    Chats(int historyLimit, FileStore files) {
        this.historyLimit = historyLimit;
        this.files = files;
    }

    FileStore files() {
        return files;
    }

    EmulatedUser createUser(String firstName, String username, String languageCode) {
        if (firstName == null || firstName.isBlank()) {
            throw new IllegalArgumentException("a user needs a first name");
        }
        EmulatedUser user = new EmulatedUser(this, nextUserId.incrementAndGet(), firstName, username, languageCode);
        users.put(user.id(), user);
        return user;
    }

    EmulatedGroup createGroup(String title, EmulatedBot bot, List<EmulatedUser> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a group needs at least one user, its creator");
        }
        long id = -4_000_000_000L - nextGroupNumber.incrementAndGet();
        EmulatedGroup group = new EmulatedGroup(this, id, title, members.getFirst(), new MessageLog(historyLimit));
        members.forEach(group::join);
        groups.put(id, group);
        addBot(group, bot, members.getFirst(), true);
        return group;
    }

    /** The users and their private chats with bots, for {@link BotApiEmulator#saveState()}. */
    void save(ObjectNode state) {
        ArrayNode savedUsers = state.putArray("users");
        for (EmulatedUser user : users.values()) {
            savedUsers.addObject().put("id", user.id()).put("firstName", user.firstName())
                    .put("username", user.username()).put("languageCode", user.languageCode());
        }
        ArrayNode savedChats = state.putArray("privateChats");
        privateChats.forEach((key, chat) -> {
            ObjectNode saved = savedChats.addObject().put("botId", key.botId()).put("userId", key.userId());
            synchronized (chat) {
                saved.put("blocked", chat.blocked);
            }
            saved.set("log", chat.log.save());
        });
    }

    /** Takes back what {@link #save} wrote; the chats of bots that are gone are left out. */
    void restore(JsonNode state, Map<Long, EmulatedBot> bots) {
        for (JsonNode saved : state.get("users")) {
            EmulatedUser user = new EmulatedUser(this, saved.get("id").asLong(), saved.get("firstName").asString(),
                    textOrNull(saved, "username"), textOrNull(saved, "languageCode"));
            users.put(user.id(), user);
            nextUserId.accumulateAndGet(user.id(), Math::max);
        }
        for (JsonNode saved : state.get("privateChats")) {
            EmulatedBot bot = bots.get(saved.get("botId").asLong());
            EmulatedUser user = users.get(saved.get("userId").asLong());
            if (bot != null && user != null) {
                PrivateChat chat = privateChat(bot, user);
                chat.blocked = saved.get("blocked").asBoolean();
                chat.log.restore(saved.get("log"));
            }
        }
    }

    private static String textOrNull(JsonNode saved, String field) {
        return saved.path(field).isString() ? saved.get(field).asString() : null;
    }

    /** Every user, for {@link BotApiEmulator#users()}. */
    List<EmulatedUser> users() {
        return List.copyOf(users.values());
    }

    // ---- What users do in private chats ----

    UserMessage sendPrivate(EmulatedUser user, EmulatedBot bot, Integer replyTo, Consumer<ObjectNode> content) {
        PrivateChat chat = privateChat(bot, user);
        synchronized (chat) {
            if (chat.blocked) {
                throw new IllegalStateException(user + " blocked " + bot + "; call unblock first");
            }
        }
        ObjectNode message = chat.log.append(id -> {
            ObjectNode m = newMessage(id, user.toJson(), privateChatJson(user));
            if (replyTo != null) {
                m.set("reply_to_message", quoted(chat.log, replyTo));
            }
            content.accept(m);
            return m;
        });
        bot.updates.add("message", user.id(), message);
        return toUserMessage(user.id(), message);
    }

    void editPrivate(EmulatedUser user, EmulatedBot bot, int messageId, String text) {
        MessageLog log = privateChat(bot, user).log;
        ObjectNode original = log.get(messageId);
        if (original == null || original.path("from").path("id").asLong() != user.id()) {
            throw new IllegalArgumentException(user + " has no message " + messageId + " in the chat with " + bot);
        }
        ObjectNode edited = original.deepCopy();
        putText(edited, text);
        edited.put("edit_date", Instant.now().getEpochSecond());
        log.replace(messageId, edited);
        bot.updates.add("edited_message", user.id(), edited);
    }

    ButtonPress pressPrivate(EmulatedUser user, EmulatedBot bot, int messageId, String callbackData) {
        return press(user, bot, user.id(), privateChat(bot, user).log, messageId, callbackData);
    }

    /** Blocks or unblocks the bot; the bot gets my_chat_member with status kicked or member. */
    void setBlocked(EmulatedUser user, EmulatedBot bot, boolean blocked) {
        PrivateChat chat = privateChat(bot, user);
        synchronized (chat) {
            if (chat.blocked == blocked) {
                return;
            }
            chat.blocked = blocked;
        }
        String before = blocked ? "member" : "kicked";
        String after = blocked ? "kicked" : "member";
        bot.updates.add("my_chat_member", user.id(), chatMemberUpdate(privateChatJson(user), user, bot, before, after));
    }

    // ---- What users do in groups ----

    UserMessage sendToGroup(EmulatedGroup group, EmulatedUser user, Integer replyTo, String text) {
        if (!group.hasMember(user)) {
            throw new IllegalArgumentException(user + " is not a member of " + group);
        }
        synchronized (group) {
            MessageLog log = group.log();
            ObjectNode message = log.append(id -> {
                ObjectNode m = newMessage(id, user.toJson(), group.chatJson());
                if (replyTo != null) {
                    m.set("reply_to_message", quoted(log, replyTo));
                }
                putText(m, text);
                return m;
            });
            for (EmulatedBot bot : group.memberBots()) {
                if (sees(bot, message)) {
                    bot.updates.add("message", group.id(), message);
                }
            }
            return toUserMessage(group.id(), message);
        }
    }

    ButtonPress pressInGroup(EmulatedGroup group, EmulatedUser user, EmulatedBot bot, int messageId, String data) {
        synchronized (group) {
            return press(user, bot, group.id(), group.log(), messageId, data);
        }
    }

    void joinGroup(EmulatedGroup group, EmulatedUser user) {
        synchronized (group) {
            if (!group.join(user)) {
                return;
            }
            ObjectNode message = group.log().append(id -> {
                ObjectNode m = newMessage(id, user.toJson(), group.chatJson());
                m.putArray("new_chat_members").add(user.toJson());
                return m;
            });
            group.memberBots().forEach(bot -> bot.updates.add("message", group.id(), message));
        }
    }

    /** Adds a bot to a group: my_chat_member (left to member) and the service message about it. */
    void addBot(EmulatedGroup group, EmulatedBot bot, EmulatedUser by, boolean creating) {
        if (!bot.canJoinGroups()) {
            throw new IllegalArgumentException(bot + " cannot join groups (can_join_groups is false)");
        }
        synchronized (group) {
            if (group.isMember(bot)) {
                return;
            }
            group.setBotStatus(bot, "member");
            bot.updates.add("my_chat_member", group.id(),
                    chatMemberUpdate(group.chatJson(), by, bot, "left", "member"));
            ObjectNode message = group.log().append(id -> {
                ObjectNode m = newMessage(id, by.toJson(), group.chatJson());
                if (creating) {
                    m.put("group_chat_created", true);
                } else {
                    m.putArray("new_chat_members").add(bot.userJson());
                }
                return m;
            });
            group.memberBots().forEach(member -> member.updates.add("message", group.id(), message));
        }
    }

    /** Removes a bot from a group: it is kicked (my_chat_member) and gets 403 when it sends there. */
    void removeBot(EmulatedGroup group, EmulatedBot bot, EmulatedUser by) {
        synchronized (group) {
            if (!group.isMember(bot)) {
                return;
            }
            group.setBotStatus(bot, "kicked");
            bot.updates.add("my_chat_member", group.id(),
                    chatMemberUpdate(group.chatJson(), by, bot, "member", "kicked"));
        }
    }

    /**
     * Upgrades a basic group to a supergroup with a new id. Bots get the service message with
     * {@code migrate_to_chat_id} in the old chat, then the one with {@code migrate_from_chat_id} in the new one.
     */
    long migrate(EmulatedGroup group) {
        synchronized (group) {
            if (group.isSupergroup()) {
                throw new IllegalStateException(group + " is a supergroup already");
            }
            long oldId = group.id();
            long newId = -1_000_000_000_000L - 2_000_000_000L - nextGroupNumber.incrementAndGet();
            EmulatedUser by = group.creator();
            ObjectNode toMessage = group.log().append(id -> newMessage(id, by.toJson(), group.chatJson())
                    .put("migrate_to_chat_id", newId));
            group.becomeSupergroup(newId, new MessageLog(historyLimit));
            groups.put(newId, group);
            ObjectNode fromMessage = group.log().append(id -> newMessage(id, by.toJson(), group.chatJson())
                    .put("migrate_from_chat_id", oldId));
            for (EmulatedBot bot : group.memberBots()) {
                bot.updates.add("message", oldId, toMessage);
                bot.updates.add("message", newId, fromMessage);
            }
            return newId;
        }
    }

    // ---- How bots address chats ----

    /**
     * The chat a bot names with {@code chat_id}, checked the way Telegram checks it.
     *
     * @param write whether the bot wants to send or change something (blocked and kicked matter then)
     * @throws BotApiException 400 {@code chat_id is empty}, {@code chat not found}, the migration error;
     *     403 blocked, kicked, or {@code bot can't initiate conversation with a user}
     */
    Conversation resolve(EmulatedBot bot, String chatIdText, boolean write) throws BotApiException {
        if (chatIdText == null || chatIdText.isBlank()) {
            throw BotApiException.badRequest("chat_id is empty");
        }
        long chatId;
        try {
            chatId = Long.parseLong(chatIdText.strip());
        } catch (NumberFormatException e) {
            throw BotApiException.badRequest("chat not found");
        }
        if (chatId > 0) {
            return resolvePrivate(bot, chatId, write);
        }
        EmulatedGroup group = groups.get(chatId);
        if (group == null) {
            throw BotApiException.badRequest("chat not found");
        }
        synchronized (group) {
            String status = group.botStatus(bot);
            if (status == null) {
                throw BotApiException.badRequest("chat not found");
            }
            if (chatId != group.id()) {
                if (write) {
                    throw BotApiException.migrated(group.id());
                }
                return new Conversation(chatId, true, group.formerChatJson(), group.formerLog());
            }
            if (status.equals("kicked") && (write || group.isSupergroup())) {
                throw BotApiException.forbidden("bot was kicked from the "
                        + (group.isSupergroup() ? "supergroup" : "group") + " chat");
            }
            return new Conversation(chatId, true, group.chatJson(), group.log());
        }
    }

    /** Records a bot's answer to a button press. */
    boolean answer(EmulatedBot bot, String queryId, CallbackAnswer answer) {
        ButtonPress press = queryId == null ? null : presses.get(queryId);
        if (press == null || press.botId() != bot.id() || !press.record(answer)) {
            return false;
        }
        presses.remove(queryId);
        return true;
    }

    private Conversation resolvePrivate(EmulatedBot bot, long userId, boolean write) throws BotApiException {
        PrivateChat chat = privateChats.get(new PrivateKey(bot.id(), userId));
        if (chat == null) {
            EmulatedUser user = users.get(userId);
            if (user != null && sharesGroup(bot, user)) {
                throw BotApiException.forbidden("bot can't initiate conversation with a user");
            }
            throw BotApiException.badRequest("chat not found");
        }
        synchronized (chat) {
            if (write && chat.blocked) {
                throw BotApiException.forbidden("bot was blocked by the user");
            }
        }
        return new Conversation(userId, false, privateChatJson(chat.user), chat.log);
    }

    private boolean sharesGroup(EmulatedBot bot, EmulatedUser user) {
        return groups.values().stream().anyMatch(group -> group.hasMember(user) && group.botStatus(bot) != null);
    }

    private PrivateChat privateChat(EmulatedBot bot, EmulatedUser user) {
        Objects.requireNonNull(bot, "bot");
        return privateChats.computeIfAbsent(new PrivateKey(bot.id(), user.id()),
                key -> new PrivateChat(user, historyLimit));
    }

    private ButtonPress press(EmulatedUser user, EmulatedBot bot, long chatId, MessageLog log, int messageId,
                              String data) {
        ObjectNode message = log.get(messageId);
        if (message == null || message.path("from").path("id").asLong() != bot.id()) {
            throw new IllegalArgumentException(bot + " has no message " + messageId + " in chat " + chatId);
        }
        List<String> offered = new ArrayList<>();
        for (JsonNode row : message.path("reply_markup").path("inline_keyboard")) {
            for (JsonNode button : row) {
                offered.add(button.path("callback_data").asString(""));
            }
        }
        if (!offered.contains(data)) {
            throw new IllegalArgumentException("message " + messageId + " has no button with callback data '" + data
                    + "'; its buttons have " + offered);
        }
        String queryId = Long.toUnsignedString(ThreadLocalRandom.current().nextLong());
        ButtonPress press = new ButtonPress(queryId, bot.id());
        presses.put(queryId, press);
        ObjectNode query = Json.object().put("id", queryId);
        query.set("from", user.toJson());
        query.set("message", message);
        query.put("chat_instance", Long.toString(chatId ^ bot.id() * 31));
        query.put("data", data);
        bot.updates.add("callback_query", chatId, query);
        return press;
    }

    /** Privacy mode: without can_read_all_group_messages a bot sees commands, mentions, replies, service messages. */
    private static boolean sees(EmulatedBot bot, ObjectNode message) {
        if (bot.canReadAllGroupMessages() || message.path("reply_to_message").path("from").path("id").asLong()
                == bot.id()) {
            return true;
        }
        String text = message.path("text").asString("");
        String mention = "@" + bot.username().toLowerCase(Locale.ROOT);
        if (text.startsWith("/")) {
            String command = text.split("\\s", 2)[0].toLowerCase(Locale.ROOT);
            return !command.contains("@") || command.endsWith(mention);
        }
        return text.toLowerCase(Locale.ROOT).contains(mention);
    }

    /** The replied-to message as Telegram embeds it: without its own reply. */
    private static ObjectNode quoted(MessageLog log, int messageId) {
        ObjectNode original = log.get(messageId);
        if (original == null) {
            throw new IllegalArgumentException("no message " + messageId + " to reply to");
        }
        ObjectNode copy = original.deepCopy();
        copy.remove("reply_to_message");
        return copy;
    }

    static ObjectNode newMessage(int messageId, ObjectNode from, ObjectNode chat) {
        ObjectNode message = Json.object().put("message_id", messageId);
        message.set("from", from);
        message.set("chat", chat);
        message.put("date", Instant.now().getEpochSecond());
        return message;
    }

    /** Sets text as a user types it, with the entities Telegram detects. */
    static void putText(ObjectNode message, String text) {
        message.put("text", text);
        ArrayNode entities = Entities.detect(text);
        if (entities.isEmpty()) {
            message.remove("entities");
        } else {
            message.set("entities", entities);
        }
    }

    private static ObjectNode privateChatJson(EmulatedUser user) {
        ObjectNode chat = Json.object().put("id", user.id()).put("first_name", user.firstName());
        if (user.username() != null) {
            chat.put("username", user.username());
        }
        return chat.put("type", "private");
    }

    private static ObjectNode chatMemberUpdate(ObjectNode chat, EmulatedUser by, EmulatedBot bot, String before,
                                               String after) {
        ObjectNode update = Json.object();
        update.set("chat", chat);
        update.set("from", by.toJson());
        update.put("date", Instant.now().getEpochSecond());
        update.set("old_chat_member", member(bot, before));
        update.set("new_chat_member", member(bot, after));
        return update;
    }

    private static ObjectNode member(EmulatedBot bot, String status) {
        ObjectNode member = Json.object().put("status", status);
        member.set("user", bot.userJson());
        if (status.equals("kicked")) {
            member.put("until_date", 0);
        }
        return member;
    }

    private static UserMessage toUserMessage(long chatId, ObjectNode message) {
        JsonNode text = message.has("text") ? message.get("text") : message.get("caption");
        return new UserMessage(chatId, message.get("message_id").asInt(),
                Instant.ofEpochSecond(message.get("date").asLong()), text == null ? null : text.asString());
    }
}
