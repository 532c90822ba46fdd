package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void growsExponentiallyFromHalfASecond() {
        assertThat(Backoff.DEFAULT.next(1, null)).isBetween(Duration.ofMillis(400), Duration.ofMillis(600));
        assertThat(Backoff.DEFAULT.next(2, null)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
        assertThat(Backoff.DEFAULT.next(5, null)).isBetween(Duration.ofMillis(6400), Duration.ofMillis(9600));
    }

    @Test
    void isCappedNearAMinute() {
        assertThat(Backoff.DEFAULT.next(30, null)).isBetween(Duration.ofSeconds(48), Duration.ofSeconds(60));
        assertThat(Backoff.DEFAULT.next(Integer.MAX_VALUE, null)).isLessThanOrEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void waitsExactlyWhatTelegramAskedFor() {
        assertThat(Backoff.DEFAULT.next(1, 7)).isEqualTo(Duration.ofSeconds(7));
        assertThat(Backoff.DEFAULT.next(9, 120)).isEqualTo(Duration.ofSeconds(120));
    }
}
