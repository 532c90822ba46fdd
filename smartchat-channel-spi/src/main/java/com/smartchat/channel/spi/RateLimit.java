package com.smartchat.channel.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A sending limit of the network, which the host enforces before it calls {@link Channel#send}: at most
 * {@link #permits()} messages every {@link #period()} in one {@link #scope()}, with bursts of up to
 * {@link #burst()} messages after a quiet spell (a token bucket).
 *
 * @param scope what the limit counts
 * @param permits messages allowed per period
 * @param period the period
 * @param burst the most messages sent back to back, at least 1
 */
public record RateLimit(Scope scope, int permits, Duration period, int burst) {

    /** What a limit counts. */
    public enum Scope {
        /** Each conversation, whatever its kind. */
        CONVERSATION,
        /** Each group or broadcast conversation. */
        GROUP_CONVERSATION,
        /** All messages of one channel together (a Telegram bot). */
        CHANNEL
    }

    public RateLimit {
        Objects.requireNonNull(scope, "A rate limit needs a scope");
        Objects.requireNonNull(period, "A rate limit needs a period");
        if (permits < 1 || burst < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("A rate limit needs at least one permit, a burst of at least one and a "
                    + "positive period");
        }
    }

    /** The time between two messages at the sustained rate. */
    public Duration interval() {
        return period.dividedBy(permits);
    }
}
