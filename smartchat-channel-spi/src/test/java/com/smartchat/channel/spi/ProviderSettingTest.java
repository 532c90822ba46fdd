package com.smartchat.channel.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProviderSettingTest {

    @Test
    void aNumberSettingAcceptsWholeNumbersInItsRangeAndNamesTheRangeOtherwise() {
        ProviderSetting timeout = ProviderSetting.number("poll-timeout").help("Seconds a poll waits.")
                .defaultValue("50").minimum(0).maximum(90).build();

        assertThat(timeout.check("90")).isEmpty();
        assertThat(timeout.check(" 0 ")).isEmpty();
        assertThat(timeout.check("91")).contains("must be between 0 and 90");
        assertThat(timeout.check("ten")).contains("must be a whole number");
        assertThat(timeout.check("1.5")).contains("must be a whole number");
        assertThat(timeout.secret()).isFalse();
    }

    @Test
    void booleansUrlsTextAndSecretsAreCheckedForTheirType() {
        assertThat(ProviderSetting.bool("verbose").help("Logs more.").build().check("yes"))
                .contains("must be true or false");
        assertThat(ProviderSetting.bool("verbose").help("Logs more.").build().check("true")).isEmpty();
        ProviderSetting api = ProviderSetting.url("api-url").help("The API server.").build();
        assertThat(api.check("https://api.example.com")).isEmpty();
        assertThat(api.check("api.example.com")).contains("must be an absolute http or https address, such as "
                + "https://example.com");
        assertThat(api.check("ftp://api.example.com")).isPresent();
        assertThat(ProviderSetting.text("region").help("The region.").build().check("eu west")).isEmpty();
        ProviderSetting key = ProviderSetting.secret("api-key").help("The shared key.").build();
        assertThat(key.check("anything")).isEmpty();
        assertThat(key.secret()).isTrue();
    }

    @Test
    void aMessageNeverRepeatsTheValue() {
        ProviderSetting limit = ProviderSetting.number("limit").help("At most.").minimum(1).build();

        assertThat(limit.check("s3cr3t")).hasValueSatisfying(message -> assertThat(message).doesNotContain("s3cr3t"));
        assertThat(limit.check("0")).contains("must be at least 1");
    }

    @Test
    void aDeclarationThatCannotWorkIsRefusedWithTheReason() {
        assertThatThrownBy(() -> ProviderSetting.text("apiUrl").help("x").build())
                .hasMessageContaining("lower case letters, digits and dashes");
        assertThatThrownBy(() -> ProviderSetting.url("public-url").help("x").build())
                .hasMessageContaining("the host's");
        assertThatThrownBy(() -> ProviderSetting.text("region").build()).hasMessageContaining("needs help");
        assertThatThrownBy(() -> ProviderSetting.number("limit").help("x").defaultValue("ten").build())
                .hasMessageContaining("has the default 'ten', but it must be a whole number");
        assertThatThrownBy(() -> ProviderSetting.number("limit").help("x").defaultValue("200").maximum(100).build())
                .hasMessageContaining("must be at most 100");
        assertThatThrownBy(() -> ProviderSetting.secret("key").help("x").defaultValue("k").build())
                .hasMessageContaining("cannot have a default");
        assertThatThrownBy(() -> ProviderSetting.text("region").help("x").minimum(1).build())
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> new ProviderSetting("notes", FieldType.MULTILINE_TEXT, "x", null, null, null))
                .hasMessageContaining("TEXT, URL, NUMBER, BOOLEAN or SECRET");
    }
}
