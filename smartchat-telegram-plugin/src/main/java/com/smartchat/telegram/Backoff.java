package com.smartchat.telegram;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between attempts: exponential from {@link #initial}, doubled each time, with up to 20% random spread so
 * that many channels do not retry in step, capped at {@link #max}. A wait Telegram asked for ({@code retry_after})
 * is used exactly instead.
 *
 * @param initial the first wait
 * @param max the longest wait
 */
record Backoff(Duration initial, Duration max) {

    /** For polling and delivery: half a second, doubling, up to a minute. */
    static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(60));

    /**
     * The wait before attempt {@code failures + 1}.
     *
     * @param failures consecutive failures so far, at least 1
     * @param retryAfterSeconds what Telegram asked for, or {@code null}
     */
    Duration next(int failures, Integer retryAfterSeconds) {
        if (retryAfterSeconds != null && retryAfterSeconds > 0) {
            return Duration.ofSeconds(retryAfterSeconds);
        }
        int exponent = Math.max(0, Math.min(failures - 1, 30));
        long base = Math.min(max.toMillis(), initial.toMillis() << Math.min(exponent, 20));
        long spread = base / 5;
        long jitter = spread == 0 ? 0 : ThreadLocalRandom.current().nextLong(-spread, spread + 1);
        return Duration.ofMillis(Math.max(1, Math.min(max.toMillis(), base + jitter)));
    }
}
