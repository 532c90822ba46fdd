package com.smartchat.example;

import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.FieldType;
import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.IdentityPreview;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.ValidationResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class EchoProviderTest {

    private final EchoProvider provider = new EchoProvider();

    @Test
    void itsFormUsesEveryFieldType() {
        assertThat(provider.schema().fields()).extracting(FormField::type)
                .containsExactlyInAnyOrder(FieldType.values());
    }

    @Test
    void validSettingsLeadToAPreviewOfTheEchoAccount() {
        ValidationResult result = provider.validate(EchoSettingsFixture.valid());

        assertThat(result.fieldErrors()).isEmpty();
        assertThat(result.preview()).isEqualTo(new IdentityPreview("echo:echo_demo", "Echo Demo", "echo_demo",
                "https://example.com/chat", List.of("Echo sends nothing to any network: every message you send "
                + "comes back to your inbox.")));
    }

    @Test
    void fieldsLeftEmptyTakeTheFormsDefaults() {
        ChannelSettings onlyRequired = ChannelSettings.of(1, Map.of("name", "Echo demo",
                EchoProvider.API_KEY, Secret.of("echo_demo_key")));

        ValidationResult result = provider.validate(onlyRequired);

        assertThat(result.fieldErrors()).isEmpty();
        assertThat(result.preview().displayName()).isEqualTo("Echo");
        assertThat(result.preview().link()).isNull();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ValidationResult result = provider.validate(EchoSettingsFixture.with(Map.of(
                EchoProvider.API_KEY, Secret.of("echo_revoked"),
                EchoProvider.TEMPLATE, "No placeholder here",
                EchoProvider.DELAY_MILLIS, 60_000L,
                EchoProvider.FORMAT, "xml",
                EchoProvider.LINK, "ftp://example.com")));

        assertThat(result.valid()).isFalse();
        assertThat(result.preview()).isNull();
        assertThat(result.fieldErrors()).containsOnly(
                entry(EchoProvider.API_KEY, List.of("This API key was revoked. Create a new key in your Echo account "
                        + "and paste it here.")),
                entry(EchoProvider.TEMPLATE, List.of("The reply template must contain {text}, where the message goes.")),
                entry(EchoProvider.DELAY_MILLIS, List.of("Echo delay (milliseconds) must be between 0 and 10000.")),
                entry(EchoProvider.FORMAT, List.of("Echo as must be one of: Plain text, JSON.")),
                entry(EchoProvider.LINK, List.of("Public link must be an http or https address, such as "
                        + "https://example.com.")));
    }

    @Test
    void aKeyFromAnotherServiceIsRefusedWithWhatToPasteInstead() {
        ValidationResult result = provider.validate(EchoSettingsFixture.with(Map.of(
                EchoProvider.API_KEY, Secret.of("sk_live_1234567890"))));

        assertThat(result.fieldErrors()).containsOnly(entry(EchoProvider.API_KEY, List.of("This is not an Echo API "
                + "key: Echo keys start with echo_. Paste the key from your Echo account, or echo_demo_key to try "
                + "Echo out.")));
    }

    @Test
    void aKeyOfTheWrongShapeGetsTheShapesMessagesOnly() {
        ValidationResult result = provider.validate(EchoSettingsFixture.with(Map.of(
                EchoProvider.API_KEY, Secret.of("echo-1"))));

        assertThat(result.fieldErrors()).containsOnly(entry(EchoProvider.API_KEY, List.of(
                "API key must be at least 8 characters long (it has 6).",
                "An API key has only letters, digits and underscores, such as echo_demo_key.")));
    }

    @Test
    void anEmptyFormNamesEveryRequiredField() {
        ValidationResult result = provider.validate(ChannelSettings.of(1, Map.of()));

        assertThat(result.fieldErrors()).containsOnly(
                entry("name", List.of("Channel Name is required.")),
                entry(EchoProvider.API_KEY, List.of("API key is required.")));
    }
}
