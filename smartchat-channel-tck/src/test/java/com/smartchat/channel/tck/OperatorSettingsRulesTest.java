package com.smartchat.channel.tck;

import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ProviderSetting;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The kit fails a provider whose declared operator settings a host would refuse, saying what to fix. */
class OperatorSettingsRulesTest {

    private static final String RULE = "operatorSettingsAreDeclaredOnceAndCoverTheValidSettings";
    private static final ProviderSetting API_URL = ProviderSetting.url("api-url").help("The Fake server.")
            .defaultValue("https://fake.example.com").build();

    @Test
    void aSettingDeclaredTwiceFails() {
        KitRun run = KitRun.of(declaring(List.of(API_URL, API_URL)));

        assertThat(run.failures()).containsOnlyKeys(RULE);
        assertThat(run.message(RULE)).contains("declares \"api-url\" twice");
    }

    @Test
    void aHostSettingOfTheValidSettingsThatIsNotDeclaredFails() {
        KitRun run = KitRun.of(declaring(List.of(API_URL)), withHostSettings(Map.of("api-urll", "https://x.example.com")));

        assertThat(run.failures()).containsOnlyKeys(RULE);
        assertThat(run.message(RULE)).contains("\"api-urll\"", "smartchat.plugins.fake.api-urll", "Declare it");
    }

    @Test
    void aHostSettingTheDeclarationRefusesFails() {
        KitRun run = KitRun.of(declaring(List.of(API_URL)), withHostSettings(Map.of("api-url", "fake.example.com")));

        assertThat(run.failures()).containsOnlyKeys(RULE);
        assertThat(run.message(RULE)).contains("must be an absolute http or https address");
    }

    @Test
    void declaredHostSettingsAndTheHostsPublicUrlPass() {
        KitRun run = KitRun.of(declaring(List.of(API_URL)), withHostSettings(Map.of("api-url",
                "https://other.example.com", "public-url", "https://chat.example.com")));

        assertThat(run.failures()).isEmpty();
    }

    private static FakeProvider declaring(List<ProviderSetting> settings) {
        return new FakeProvider() {
            @Override
            public List<ProviderSetting> providerSettings() {
                return settings;
            }
        };
    }

    private static ChannelSettings withHostSettings(Map<String, String> hostSettings) {
        ChannelSettings valid = FakeProvider.validSettings();
        return new ChannelSettings(valid.schemaVersion(), valid.values(), hostSettings);
    }
}
