package com.smartchat.host.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5));

    @Test
    void pausesDoubleWithinTheUpperHalfOfTheirRangeUpToTheMaximum() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(backoff.after(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(backoff.after(3)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
            assertThat(backoff.after(30)).isBetween(Duration.ofSeconds(150), Duration.ofMinutes(5));
        }
    }

    @Test
    void thoseThatFailedTogetherDoNotRetryTogether() {
        Set<Duration> pauses = new HashSet<>();
        IntStream.range(0, 100).forEach(channel -> pauses.add(backoff.after(4)));
        assertThat(pauses).as("100 pauses after the same failure").hasSizeGreaterThan(90);
    }

    @Test
    void refusesAMaximumBelowTheFirstPause() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("0 < first <= max");
    }
}
