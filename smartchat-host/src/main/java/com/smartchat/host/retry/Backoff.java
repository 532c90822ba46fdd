package com.smartchat.host.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Growing pauses between attempts: up to {@code first} before the second attempt, doubling with each further one up
 * to {@code max}, each drawn at random from the upper half of its range ("equal jitter"), so that thousands of
 * channels or messages that failed together do not try again together. The host's one retry policy: automatic
 * restarts of channels and retries of sends.
 *
 * @param first the longest pause after the first failure
 * @param max the longest pause ever
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("A backoff needs 0 < first <= max, got " + first + " and " + max);
        }
    }

    /**
     * The pause after the {@code failures}th failure in a row.
     *
     * @param failures 1 after the first failure
     */
    public Duration after(int failures) {
        long ceiling = Math.min(max.toNanos(), first.toNanos() << Math.min(Math.max(failures, 1) - 1, 20));
        long half = ceiling / 2;
        return Duration.ofNanos(ceiling - half + ThreadLocalRandom.current().nextLong(half + 1));
    }
}
