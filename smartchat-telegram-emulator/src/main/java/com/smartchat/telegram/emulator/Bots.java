package com.smartchat.telegram.emulator;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The bots and their tokens, as BotFather manages them: creation with a unique username, token rotation and
 * revocation (the old token answers 401 at once), deletion.
 */
final class Bots {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{1,28}(?i:bot)");

    private final Map<String, EmulatedBot> byToken = new ConcurrentHashMap<>();
    private final Map<String, EmulatedBot> byUsername = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(7_100_000_000L);

    EmulatedBot create(String firstName, String username, boolean canJoinGroups, boolean canReadAllGroupMessages,
                       boolean supportsInlineQueries) {
        if (firstName == null || firstName.isBlank()) {
            throw new IllegalArgumentException("a bot needs a name");
        }
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("a bot username has 5 to 32 Latin letters, digits or underscores,"
                    + " starts with a letter and ends in 'bot': " + username);
        }
        long id = nextId.incrementAndGet();
        EmulatedBot bot = new EmulatedBot(id, firstName, username, canJoinGroups, canReadAllGroupMessages,
                supportsInlineQueries, newToken(id));
        if (byUsername.putIfAbsent(username.toLowerCase(Locale.ROOT), bot) != null) {
            throw new IllegalArgumentException("this username is already taken: " + username);
        }
        byToken.put(bot.token(), bot);
        return bot;
    }

    /**
     * Registers a bot saved by {@link BotApiEmulator#saveState()}, with its id and token; bots created later get
     * higher ids.
     */
    EmulatedBot restore(long id, String firstName, String username, boolean canJoinGroups,
                        boolean canReadAllGroupMessages, boolean supportsInlineQueries, String token, boolean revoked) {
        EmulatedBot bot = new EmulatedBot(id, firstName, username, canJoinGroups, canReadAllGroupMessages,
                supportsInlineQueries, token);
        if (byUsername.putIfAbsent(username.toLowerCase(Locale.ROOT), bot) != null) {
            throw new IllegalStateException("a bot @" + username + " exists already: restore into a new emulator");
        }
        if (!revoked) {
            byToken.put(token, bot);
        }
        nextId.accumulateAndGet(id, Math::max);
        return bot;
    }

    /** Whether the bot's token was revoked without a replacement. */
    boolean revoked(EmulatedBot bot) {
        return byToken.get(bot.token()) != bot;
    }

    /**
     * The bot a request's token names.
     *
     * @throws BotApiException 401 {@code Unauthorized: invalid token specified} for a malformed token, 401
     *     {@code Unauthorized} for an unknown or revoked one
     */
    EmulatedBot authenticate(String token) throws BotApiException {
        int colon = token.indexOf(':');
        if (token.isEmpty() || token.charAt(0) == '0' || token.length() > 80 || colon <= 0) {
            throw BotApiException.invalidToken();
        }
        long id;
        try {
            id = Long.parseLong(token.substring(0, colon));
        } catch (NumberFormatException e) {
            throw BotApiException.invalidToken();
        }
        if (id <= 0 || id >= 1L << 54) {
            throw BotApiException.invalidToken();
        }
        EmulatedBot bot = byToken.get(token);
        if (bot == null) {
            throw BotApiException.unauthorized();
        }
        return bot;
    }

    /** Issues a new token; the old one stops working at once, and a poll waiting with it gets 401. */
    String rotate(EmulatedBot bot) {
        String token = newToken(bot.id());
        synchronized (bot) {
            byToken.remove(bot.token());
            bot.token(token);
            byToken.put(token, bot);
        }
        bot.updates.endWaitingPoll(BotApiException.unauthorized());
        return token;
    }

    /** Revokes the token without issuing another; requests with it get 401. */
    void revoke(EmulatedBot bot) {
        byToken.remove(bot.token());
        bot.updates.endWaitingPoll(BotApiException.unauthorized());
    }

    /** Deletes the bot: its token, its username, its webhook and its pending updates. */
    void delete(EmulatedBot bot) {
        revoke(bot);
        byUsername.remove(bot.username().toLowerCase(Locale.ROOT), bot);
        bot.replaceWebhook(null);
        bot.updates.close();
    }

    List<EmulatedBot> all() {
        return List.copyOf(byUsername.values());
    }

    private static String newToken(long id) {
        return id + ":AA" + FileStore.random(33);
    }
}
