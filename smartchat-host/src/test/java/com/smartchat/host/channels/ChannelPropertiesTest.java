package com.smartchat.host.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The operator's channel settings as Spring binds them: defaults, and a clear refusal of values that cannot work. */
class ChannelPropertiesTest {

    private static ChannelProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("smartchat.channels", ChannelProperties.class);
    }

    @Test
    void theBootStartsThirtyTwoAtOnceAndTwoHundredFiftyASecondByDefault() {
        ChannelProperties defaults = bind(Map.of());

        assertThat(defaults.startupConcurrency()).isEqualTo(32);
        assertThat(defaults.startupRate()).isEqualTo(250);
    }

    @Test
    void aStartupConcurrencyBelowOneIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> bind(Map.of("smartchat.channels.startup-concurrency", "0")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessage("smartchat.channels.startup-concurrency must be at least 1, got 0");
    }

    @Test
    void aNegativeStartupRateIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> bind(Map.of("smartchat.channels.startup-rate", "-5")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessage("smartchat.channels.startup-rate must be 0 (no limit) or more, got -5");
    }
}
