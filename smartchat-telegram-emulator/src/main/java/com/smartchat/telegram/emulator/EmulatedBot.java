package com.smartchat.telegram.emulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A bot registered in the emulator, as BotFather would create it: an id, a token and a username.
 * Create one with {@link BotApiEmulator#createBot(String, String)} or {@link BotApiEmulator#newBot(String, String)}.
 */
public final class EmulatedBot {

    private final long id;
    private final String firstName;
    private final String username;
    private final boolean canJoinGroups;
    private final boolean canReadAllGroupMessages;
    private final boolean supportsInlineQueries;
    private volatile String token;

    final UpdateQueue updates = new UpdateQueue();
    final RateLimiter rateLimiter = new RateLimiter();
    /** Commands set with setMyCommands, by scope and language. */
    final Map<String, JsonNode> commands = new ConcurrentHashMap<>();
    private Webhook webhook;

    EmulatedBot(long id, String firstName, String username, boolean canJoinGroups, boolean canReadAllGroupMessages,
                boolean supportsInlineQueries, String token) {
        this.id = id;
        this.firstName = firstName;
        this.username = username;
        this.canJoinGroups = canJoinGroups;
        this.canReadAllGroupMessages = canReadAllGroupMessages;
        this.supportsInlineQueries = supportsInlineQueries;
        this.token = token;
    }

    /**
     * The bot's user id, also the number before the colon of its token.
     *
     * @return the id
     */
    public long id() {
        return id;
    }

    /**
     * The current token; after {@link BotApiEmulator#revokeToken(EmulatedBot)} the revoked one.
     *
     * @return the token, {@code <id>:<35 characters>}
     */
    public String token() {
        return token;
    }

    /**
     * The username, without {@code @}.
     *
     * @return the username, ending in "bot"
     */
    public String username() {
        return username;
    }

    /**
     * The display name.
     *
     * @return the first name
     */
    public String firstName() {
        return firstName;
    }

    /**
     * The bot's public link.
     *
     * @return {@code https://t.me/<username>}
     */
    public String link() {
        return "https://t.me/" + username;
    }

    /**
     * Whether the bot can be added to groups.
     *
     * @return {@code can_join_groups}
     */
    public boolean canJoinGroups() {
        return canJoinGroups;
    }

    /**
     * Whether privacy mode is off, so the bot sees every group message.
     *
     * @return {@code can_read_all_group_messages}
     */
    public boolean canReadAllGroupMessages() {
        return canReadAllGroupMessages;
    }

    /**
     * Whether inline mode is on.
     *
     * @return {@code supports_inline_queries}
     */
    public boolean supportsInlineQueries() {
        return supportsInlineQueries;
    }

    @Override
    public String toString() {
        return "@" + username;
    }

    void token(String token) {
        this.token = token;
    }

    /** The bot as a User object inside messages. */
    ObjectNode userJson() {
        return Json.object().put("id", id).put("is_bot", true).put("first_name", firstName)
                .put("username", username);
    }

    /** The bot as getMe describes it. */
    ObjectNode getMeJson() {
        return userJson().put("can_join_groups", canJoinGroups)
                .put("can_read_all_group_messages", canReadAllGroupMessages)
                .put("supports_inline_queries", supportsInlineQueries)
                .put("can_connect_to_business", false)
                .put("has_main_web_app", false);
    }

    /** The active webhook, or null when the bot polls. */
    synchronized Webhook webhook() {
        return webhook;
    }

    /** Installs {@code next} (null removes the webhook) and stops the previous one. */
    synchronized void replaceWebhook(Webhook next) {
        if (webhook != null) {
            webhook.stop();
        }
        webhook = next;
        if (next != null) {
            next.start();
        }
    }
}
