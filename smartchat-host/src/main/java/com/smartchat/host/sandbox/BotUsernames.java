package com.smartchat.host.sandbox;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * BotFather's rules for a bot's username, in the order BotFather checks them, each with BotFather's own answer and
 * a sandbox note that spells out the rule (BotFather itself says little more than "invalid").
 *
 * <p>A username has 5 to 32 characters, Latin letters, digits and underscores only, starts with a letter, ends in
 * "bot" in any case, and is unique, case-insensitively, among all bots.
 */
public final class BotUsernames {

    /** The shortest username, "bot" included. */
    public static final int MIN_LENGTH = 5;
    /** The longest username. */
    public static final int MAX_LENGTH = 32;

    static final String INVALID = "Sorry, this username is invalid.";
    static final String MUST_END_IN_BOT = "Sorry, the username must end in 'bot'. E.g. 'Tetris_bot' or 'Tetrisbot'";
    static final String TAKEN = "Sorry, this username is already taken. Please try something different.";

    /** A broken rule: what BotFather answers, and the rule in words. */
    public enum Problem {
        /** Something other than Latin letters, digits and underscores, such as a space, a hyphen or an "@". */
        CHARACTERS(INVALID, "Sandbox note: a username may contain only Latin letters (a-z, A-Z), digits and "
                + "underscores: no spaces, hyphens, dots, accents or \"@\"."),
        /** Does not end in "bot". */
        SUFFIX(MUST_END_IN_BOT, "Sandbox note: every bot's username ends in \"bot\", in any case: Bot, bot, BOT."),
        /** Fewer than 5 characters. */
        TOO_SHORT(INVALID, "Sandbox note: a username has at least " + MIN_LENGTH + " characters, \"bot\" included."),
        /** More than 32 characters. */
        TOO_LONG(INVALID, "Sandbox note: a username has at most " + MAX_LENGTH + " characters."),
        /** Starts with a digit or an underscore. */
        START(INVALID, "Sandbox note: a username starts with a Latin letter, not a digit or an underscore."),
        /** Another bot has it, in whatever case. */
        TAKEN(BotUsernames.TAKEN, "Sandbox note: usernames are unique and case-insensitive: @Tetris_Bot and "
                + "@tetris_bot are the same.");

        private final String reply;
        private final String rule;

        Problem(String reply, String rule) {
            this.reply = reply;
            this.rule = rule;
        }

        /** BotFather's answer, word for word. */
        public String reply() {
            return reply;
        }

        /** The rule, for people who want to know why. */
        public String rule() {
            return rule;
        }
    }

    private BotUsernames() {
    }

    /**
     * Checks a username as BotFather does, the first broken rule winning.
     *
     * @param username what the user typed, surrounding spaces removed
     * @param taken whether a username (lower case) belongs to a bot already
     * @return the broken rule, or empty when BotFather would accept the username
     */
    public static Optional<Problem> check(String username, Predicate<String> taken) {
        if (username.isEmpty() || !username.chars().allMatch(BotUsernames::allowed)) {
            return Optional.of(Problem.CHARACTERS);
        }
        if (!username.toLowerCase(Locale.ROOT).endsWith("bot")) {
            return Optional.of(Problem.SUFFIX);
        }
        if (username.length() < MIN_LENGTH) {
            return Optional.of(Problem.TOO_SHORT);
        }
        if (username.length() > MAX_LENGTH) {
            return Optional.of(Problem.TOO_LONG);
        }
        if (!isLatinLetter(username.charAt(0))) {
            return Optional.of(Problem.START);
        }
        if (taken.test(username.toLowerCase(Locale.ROOT))) {
            return Optional.of(Problem.TAKEN);
        }
        return Optional.empty();
    }

    private static boolean allowed(int c) {
        return isLatinLetter(c) || c >= '0' && c <= '9' || c == '_';
    }

    private static boolean isLatinLetter(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
