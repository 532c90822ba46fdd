package com.smartchat.telegram.emulator;

import tools.jackson.databind.node.ObjectNode;

/**
 * A Bot API error answer: HTTP status, Telegram's description and optional {@code parameters}.
 * The factories use Telegram's real wording, because clients match on it.
 */
final class BotApiException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final ObjectNode parameters;

    private BotApiException(int errorCode, String description, ObjectNode parameters) {
        // No stack trace: these are answers, not bugs, and benchmarks produce many of them.
        super(description, null, false, false);
        this.errorCode = errorCode;
        this.parameters = parameters;
    }

    int errorCode() {
        return errorCode;
    }

    String description() {
        return getMessage();
    }

    /** The {@code parameters} object, or null when the error has none. */
    ObjectNode parameters() {
        return parameters;
    }

    static BotApiException badRequest(String detail) {
        return new BotApiException(400, "Bad Request: " + detail, null);
    }

    static BotApiException unauthorized() {
        return new BotApiException(401, "Unauthorized", null);
    }

    static BotApiException invalidToken() {
        return new BotApiException(401, "Unauthorized: invalid token specified", null);
    }

    static BotApiException forbidden(String detail) {
        return new BotApiException(403, "Forbidden: " + detail, null);
    }

    static BotApiException notFound() {
        return new BotApiException(404, "Not Found", null);
    }

    static BotApiException conflict(String detail) {
        return new BotApiException(409, "Conflict: " + detail, null);
    }

    static BotApiException tooManyRequests(int retryAfterSeconds) {
        ObjectNode parameters = Json.object().put("retry_after", retryAfterSeconds);
        return new BotApiException(429, "Too Many Requests: retry after " + retryAfterSeconds, parameters);
    }

    static BotApiException migrated(long supergroupId) {
        ObjectNode parameters = Json.object().put("migrate_to_chat_id", supergroupId);
        return new BotApiException(400, "Bad Request: group chat was upgraded to a supergroup chat", parameters);
    }

    /** An error with a bare description, such as Telegram's own {@code Internal Server Error}. */
    static BotApiException withStatus(int status, String description) {
        return new BotApiException(status, description, null);
    }
}
