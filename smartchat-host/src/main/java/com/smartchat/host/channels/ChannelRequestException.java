package com.smartchat.host.channels;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A channel request the host refuses, with what an admin needs to correct it.
 *
 * @see ChannelService
 */
public class ChannelRequestException extends RuntimeException {

    /** Why a request was refused; decides the HTTP status. */
    public enum Reason {
        /** No such channel, provider or Space (or the caller may not see it). */
        NOT_FOUND,
        /** The settings have errors: see {@link #fieldErrors()}. */
        INVALID_SETTINGS,
        /** The new credential belongs to another account than the channel's; the admin must confirm. */
        DIFFERENT_ACCOUNT,
        /** The provider could not be reached in time or failed. */
        PROVIDER_FAILED,
        /** The caller asked too often; see {@link #retryAfter()}. */
        RATE_LIMITED
    }

    private final Reason reason;
    private final Map<String, List<String>> fieldErrors;
    private final Duration retryAfter;

    public ChannelRequestException(Reason reason, String message, Map<String, List<String>> fieldErrors) {
        super(message);
        this.reason = reason;
        this.fieldErrors = fieldErrors == null ? Map.of() : Map.copyOf(fieldErrors);
        this.retryAfter = null;
    }

    /** Too many requests: try again after {@code retryAfter}. */
    public ChannelRequestException(String message, Duration retryAfter) {
        super(message);
        this.reason = Reason.RATE_LIMITED;
        this.fieldErrors = Map.of();
        this.retryAfter = retryAfter;
    }

    public ChannelRequestException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }

    public Map<String, List<String>> fieldErrors() {
        return fieldErrors;
    }

    /** When to try again, for {@link Reason#RATE_LIMITED}; {@code null} otherwise. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** {@link #retryAfter()} in whole seconds, at least 1, as a {@code Retry-After} header says it. */
    public String retryAfterSeconds() {
        return String.valueOf(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }
}
