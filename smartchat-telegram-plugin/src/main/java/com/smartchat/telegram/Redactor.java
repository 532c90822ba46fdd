package com.smartchat.telegram;

import java.util.regex.Pattern;

/**
 * Takes bot tokens out of text before it reaches a log line, an exception or a status. TelegramBots and OkHttp put
 * request URLs ({@code {base}/bot<token>/getMe}) into some messages; whatever the source, a token shape never
 * leaves this plugin.
 */
final class Redactor {

    /** A token in a Bot API path ({@code /bot123:abc.../}) or file path ({@code /file/bot123:abc.../}). */
    private static final Pattern TOKEN_IN_PATH = Pattern.compile("bot\\d+:[A-Za-z0-9_-]+");

    /** A bare token: digits, a colon, a long secret. */
    private static final Pattern BARE_TOKEN = Pattern.compile("\\d{3,}:[A-Za-z0-9_-]{20,}");

    static final String MASK = "<token>";

    private Redactor() {
    }

    /**
     * The text without the given token (when known) nor anything shaped like one.
     *
     * @param text any text, or {@code null}
     * @param token the channel's token, or {@code null}
     */
    static String redact(String text, String token) {
        if (text == null) {
            return null;
        }
        String result = text;
        if (token != null && !token.isBlank()) {
            result = result.replace(token, MASK);
            int colon = token.indexOf(':');
            if (colon >= 0 && token.length() - colon > 8) {
                result = result.replace(token.substring(colon + 1), MASK);
            }
        }
        result = TOKEN_IN_PATH.matcher(result).replaceAll("bot" + MASK);
        return BARE_TOKEN.matcher(result).replaceAll(MASK);
    }

    /**
     * A copy of an exception chain whose messages carry no token: the class names, messages and stack traces, as
     * {@link RedactedException}s. Use it as the cause of exceptions handed to the host.
     */
    static Throwable redact(Throwable failure, String token) {
        if (failure == null) {
            return null;
        }
        RedactedException copy = new RedactedException(
                failure.getClass().getName() + describe(redact(failure.getMessage(), token)),
                redact(failure.getCause() == failure ? null : failure.getCause(), token));
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }

    /** A short, token-free description of a failure and its causes, for admins and logs. */
    static String describe(Throwable failure, String token) {
        StringBuilder text = new StringBuilder();
        Throwable current = failure;
        int depth = 0;
        while (current != null && depth++ < 5) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(current.getClass().getSimpleName());
            String message = redact(current.getMessage(), token);
            if (message != null && !message.isBlank()) {
                text.append(": ").append(message);
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return text.toString();
    }

    private static String describe(String message) {
        return message == null ? "" : ": " + message;
    }

    /** A failure whose message was cleaned of tokens; its class name is in the message. */
    static final class RedactedException extends Exception {
        RedactedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
