package com.smartchat.telegram.emulator;

/**
 * Settings of a bot to create, as BotFather offers them; from {@link BotApiEmulator#newBot(String, String)}.
 * By default a bot can join groups, has privacy mode on and no inline mode, like a new bot on Telegram.
 */
public final class BotBuilder {

    private final Bots bots;
    private final String firstName;
    private final String username;
    private boolean canJoinGroups = true;
    private boolean canReadAllGroupMessages;
    private boolean supportsInlineQueries;

    BotBuilder(Bots bots, String firstName, String username) {
        this.bots = bots;
        this.firstName = firstName;
        this.username = username;
    }

    /**
     * Whether the bot can be added to groups (BotFather: Allow Groups).
     *
     * @param value the setting
     * @return this
     */
    public BotBuilder canJoinGroups(boolean value) {
        this.canJoinGroups = value;
        return this;
    }

    /**
     * Whether the bot sees every group message (BotFather: Group Privacy off).
     *
     * @param value the setting
     * @return this
     */
    public BotBuilder canReadAllGroupMessages(boolean value) {
        this.canReadAllGroupMessages = value;
        return this;
    }

    /**
     * Whether inline mode is on.
     *
     * @param value the setting
     * @return this
     */
    public BotBuilder supportsInlineQueries(boolean value) {
        this.supportsInlineQueries = value;
        return this;
    }

    /**
     * Registers the bot.
     *
     * @return the bot, with its first token
     * @throws IllegalArgumentException when the username is not a valid, free bot username
     */
    public EmulatedBot create() {
        return bots.create(firstName, username, canJoinGroups, canReadAllGroupMessages, supportsInlineQueries);
    }
}
