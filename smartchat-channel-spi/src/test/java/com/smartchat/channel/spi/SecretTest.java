package com.smartchat.channel.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretTest {

    private static final String CANARY = "110201543:CANARYcanaryCANARYcanaryCANARYcan";

    @Test
    void neverShowsItsValue() {
        Secret secret = Secret.of(CANARY);

        assertThat(secret.toString()).isEqualTo("Secret[****]");
        assertThat(String.valueOf(Map.of("token", secret))).doesNotContain(CANARY);
        assertThat(secret.reveal()).isEqualTo(CANARY);
    }

    @Test
    void settingsNeverShowValues() {
        ChannelSettings settings = ChannelSettings.of(1, Map.of("name", "Private name", "token", Secret.of(CANARY)));

        assertThat(settings.toString()).doesNotContain(CANARY).doesNotContain("Private name").contains("token");
    }

    @Test
    void comparesByValue() {
        assertThat(Secret.of("a")).isEqualTo(Secret.of("a")).isNotEqualTo(Secret.of("b"));
    }
}
