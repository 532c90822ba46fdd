package com.smartchat.host.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The links and usernames an audience member opens a bot's chat with. */
class TelegramLinkTest {

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "https://t.me/acme_support_bot, acme_support_bot, null",
            "t.me/acme_support_bot, acme_support_bot, null",
            "http://t.me/Acme_Support_Bot/, Acme_Support_Bot, null",
            "https://telegram.me/acme_support_bot, acme_support_bot, null",
            "https://t.me/acme_support_bot?start=spring_sale-2, acme_support_bot, spring_sale-2",
            "t.me/acme_support_bot?utm=x&start=abc, acme_support_bot, abc",
            "tg://resolve?domain=acme_support_bot&start=abc, acme_support_bot, abc",
            "@acme_support_bot, acme_support_bot, null",
            "  acme_support_bot  , acme_support_bot, null",
    })
    void linksAndUsernamesNameTheBotAndTheStartPayload(String text, String username, String start) {
        TelegramLink link = TelegramLink.parse(text).orElseThrow();
        assertThat(link.username()).isEqualTo(username);
        assertThat(link.start()).isEqualTo(start);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "https://example.com/acme_bot", "acme support", "t.me/", "tg://resolve?start=x"})
    void otherTextNamesNoBot(String text) {
        assertThat(TelegramLink.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"abc, true", "A-z_09, true", "'', false", "with space, false", "ümlaut, false"})
    void aStartPayloadIsUpTo64OfLettersDigitsUnderscoresAndHyphens(String payload, boolean valid) {
        assertThat(TelegramLink.validStart(payload)).isEqualTo(valid);
        assertThat(TelegramLink.validStart("x".repeat(64))).isTrue();
        assertThat(TelegramLink.validStart("x".repeat(65))).isFalse();
    }
}
