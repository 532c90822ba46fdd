package com.smartchat.telegram.emulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.node.ObjectNode;

/**
 * A group chat with users and bots; from {@link BotApiEmulator#createGroup(String, EmulatedBot, EmulatedUser...)}.
 * Bots see group messages according to their privacy mode: all of them with {@code can_read_all_group_messages},
 * otherwise commands, mentions of the bot, replies to the bot and service messages.
 */
public final class EmulatedGroup {

    private final Chats chats;
    private final String title;
    private final EmulatedUser creator;
    private final Set<EmulatedUser> members = new LinkedHashSet<>();
    private final Map<EmulatedBot, String> botStatus = new LinkedHashMap<>();
    private long id;
    private boolean supergroup;
    private MessageLog log;
    private long formerId;
    private MessageLog formerLog;

    EmulatedGroup(Chats chats, long id, String title, EmulatedUser creator, MessageLog log) {
        this.chats = chats;
        this.id = id;
        this.title = title;
        this.creator = creator;
        this.log = log;
    }

    /**
     * The current chat id: negative, and {@code -100...} once the group is a supergroup.
     *
     * @return the chat id
     */
    public synchronized long id() {
        return id;
    }

    /**
     * The id the group had before {@link #migrateToSupergroup()}.
     *
     * @return the former id, or 0 when the group never migrated
     */
    public synchronized long formerId() {
        return formerId;
    }

    /**
     * The title.
     *
     * @return the title
     */
    public String title() {
        return title;
    }

    /**
     * Whether the group was upgraded to a supergroup.
     *
     * @return true for a supergroup
     */
    public synchronized boolean isSupergroup() {
        return supergroup;
    }

    /**
     * A member writes in the group.
     *
     * @param from the member
     * @param text the text
     * @return the message, as bots that see it receive it
     */
    public UserMessage send(EmulatedUser from, String text) {
        return chats.sendToGroup(this, from, null, text);
    }

    /**
     * A member replies to a message of the group (replies to a bot reach that bot even in privacy mode).
     *
     * @param from the member
     * @param replyToMessageId the message answered
     * @param text the text
     * @return the message, as bots that see it receive it
     */
    public UserMessage reply(EmulatedUser from, int replyToMessageId, String text) {
        return chats.sendToGroup(this, from, replyToMessageId, text);
    }

    /**
     * A member presses an inline button of a bot's message in the group.
     *
     * @param user the member
     * @param bot the bot that sent the message
     * @param botMessageId the message carrying the button
     * @param callbackData the button's callback data
     * @return the press, to read or wait for the bot's answer
     */
    public ButtonPress pressButton(EmulatedUser user, EmulatedBot bot, int botMessageId, String callbackData) {
        return chats.pressInGroup(this, user, bot, botMessageId, callbackData);
    }

    /**
     * A user joins; bots receive the {@code new_chat_members} service message.
     *
     * @param user the new member
     */
    public void addMember(EmulatedUser user) {
        chats.joinGroup(this, user);
    }

    /**
     * The creator adds a bot; it receives {@code my_chat_member} (left to member).
     *
     * @param bot the bot
     * @throws IllegalArgumentException when the bot cannot join groups
     */
    public void addBot(EmulatedBot bot) {
        chats.addBot(this, bot, creator, false);
    }

    /**
     * The creator removes a bot: it receives {@code my_chat_member} (kicked) and gets 403
     * {@code bot was kicked from the group chat} when it writes.
     *
     * @param bot the bot
     */
    public void removeBot(EmulatedBot bot) {
        chats.removeBot(this, bot, creator);
    }

    /**
     * Upgrades the group to a supergroup with a new {@code -100...} id. Bots receive the two service messages;
     * sending to the old id then fails with 400 and {@code parameters.migrate_to_chat_id}.
     *
     * @return the supergroup's id
     * @throws IllegalStateException when the group is a supergroup already
     */
    public long migrateToSupergroup() {
        return chats.migrate(this);
    }

    @Override
    public synchronized String toString() {
        return "group '" + title + "' (" + id + ")";
    }

    EmulatedUser creator() {
        return creator;
    }

    synchronized boolean join(EmulatedUser user) {
        return members.add(user);
    }

    synchronized boolean hasMember(EmulatedUser user) {
        return members.contains(user);
    }

    /** The bot's status (member or kicked), or null when it was never in the group. */
    synchronized String botStatus(EmulatedBot bot) {
        return botStatus.get(bot);
    }

    synchronized boolean isMember(EmulatedBot bot) {
        return "member".equals(botStatus.get(bot));
    }

    synchronized void setBotStatus(EmulatedBot bot, String status) {
        botStatus.put(bot, status);
    }

    synchronized List<EmulatedBot> memberBots() {
        List<EmulatedBot> bots = new ArrayList<>();
        botStatus.forEach((bot, status) -> {
            if (status.equals("member")) {
                bots.add(bot);
            }
        });
        return bots;
    }

    synchronized MessageLog log() {
        return log;
    }

    synchronized MessageLog formerLog() {
        return formerLog;
    }

    synchronized ObjectNode chatJson() {
        return Json.object().put("id", id).put("title", title).put("type", supergroup ? "supergroup" : "group");
    }

    synchronized ObjectNode formerChatJson() {
        return Json.object().put("id", formerId).put("title", title).put("type", "group");
    }

    synchronized void becomeSupergroup(long newId, MessageLog newLog) {
        formerId = id;
        formerLog = log;
        id = newId;
        log = newLog;
        supergroup = true;
    }
}
