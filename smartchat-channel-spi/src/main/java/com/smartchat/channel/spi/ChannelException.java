package com.smartchat.channel.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A typed failure of a channel: starting it, or sending through it. Its message is shown to admins, so write it
 * for them, and never put a secret, or a URL that contains one, in it or in its cause.
 */
public class ChannelException extends Exception {

    private final FailureKind kind;
    private final String fixHint;
    private final Duration retryAfter;

    /**
     * @param kind what went wrong
     * @param message what happened, for an admin
     * @param fixHint what the admin can do, or {@code null}
     * @param retryAfter for {@link FailureKind#RATE_LIMITED}, how long the network asked to wait; else {@code null}
     * @param cause the underlying exception, or {@code null}; it must not carry a secret either
     */
    public ChannelException(FailureKind kind, String message, String fixHint, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "A failure needs a kind");
        this.fixHint = fixHint;
        this.retryAfter = retryAfter;
    }

    /** A failure with no fix hint, delay or cause. */
    public ChannelException(FailureKind kind, String message) {
        this(kind, message, null, null, null);
    }

    /** The network asked to wait this long before the next attempt. */
    public static ChannelException rateLimited(Duration retryAfter, String message) {
        return new ChannelException(FailureKind.RATE_LIMITED, message, null, retryAfter, null);
    }

    /** What went wrong. */
    public FailureKind kind() {
        return kind;
    }

    /** What the admin can do about it. */
    public Optional<String> fixHint() {
        return Optional.ofNullable(fixHint);
    }

    /** How long the network asked to wait, for {@link FailureKind#RATE_LIMITED}. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
