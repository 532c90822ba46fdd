package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.IdentityPreview;
import com.smartchat.channel.spi.RateLimit;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.ValidationResult;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ValidationTest {

    private static BotApiEmulator telegram;
    private final TelegramChannelProvider provider = new TelegramChannelProvider();

    @BeforeAll
    static void startTelegram() {
        telegram = TelegramTests.emulator();
    }

    @AfterAll
    static void stopTelegram() {
        telegram.close();
    }

    @Test
    void acceptedTokenPreviewsTheBotWithNameUsernameLinkAndPrivacyWarning() {
        EmulatedBot bot = TelegramTests.bot(telegram);

        ValidationResult result = provider.validate(TelegramTests.settings(telegram, bot.token()));

        assertThat(result.valid()).as(result.fieldErrors().toString()).isTrue();
        IdentityPreview preview = result.preview();
        assertThat(preview.id()).isEqualTo(String.valueOf(bot.id()));
        assertThat(preview.displayName()).isEqualTo(bot.firstName());
        assertThat(preview.username()).isEqualTo(bot.username());
        assertThat(preview.link()).isEqualTo("https://t.me/" + bot.username());
        assertThat(preview.warnings()).singleElement().asString()
                .contains("Privacy mode is on").contains("/setprivacy");
    }

    @Test
    void botThatReadsAllGroupMessagesGetsNoPrivacyWarning() {
        EmulatedBot bot = telegram.newBot("Reader", "reader_all_bot").canReadAllGroupMessages(true).create();

        ValidationResult result = provider.validate(TelegramTests.settings(telegram, bot.token()));

        assertThat(result.valid()).isTrue();
        assertThat(result.preview().warnings()).isEmpty();
    }

    @Test
    void rejectedTokenSaysTelegramRejectedItAndHowToGetANewOne() {
        EmulatedBot bot = TelegramTests.bot(telegram);
        String revoked = bot.token();
        telegram.revokeToken(bot);

        ValidationResult result = provider.validate(TelegramTests.settings(telegram, revoked));

        assertThat(result.valid()).isFalse();
        assertThat(result.preview()).isNull();
        assertThat(result.fieldErrors()).containsOnlyKeys("token");
        assertThat(result.fieldErrors().get("token")).singleElement().asString()
                .startsWith("Telegram rejected this token")
                .contains("/token")
                .doesNotContain(revoked).doesNotContain(revoked.substring(revoked.indexOf(':') + 1));
    }

    @Test
    void malformedTokenIsRefusedWithItsExpectedShapeBeforeAskingTelegram() {
        long getMeBefore = telegram.requestCount("getMe");

        ValidationResult result = provider.validate(TelegramTests.settings(telegram, "12345:short"));

        assertThat(result.fieldErrors().get("token")).singleElement().asString()
                .contains("110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw").contains("@BotFather");
        assertThat(telegram.requestCount("getMe")).isEqualTo(getMeBefore);
    }

    @Test
    void unreachableTelegramIsToldApartFromAWrongToken() throws Exception {
        String closed = TelegramTests.closedPortUrl();
        EmulatedBot bot = TelegramTests.bot(telegram);

        ValidationResult result = provider.validate(TelegramTests.settings(closed, bot.token()));

        assertThat(result.fieldErrors().get("token")).singleElement().asString()
                .startsWith("Could not reach Telegram at " + closed + ": the connection was refused.")
                .contains("The token was not checked")
                .doesNotContain("rejected");
    }

    @Test
    void telegramThatDoesNotAnswerIsGivenUpOnWithinSeconds() {
        EmulatedBot bot = TelegramTests.bot(telegram);
        telegram.faults().latency("getMe", Duration.ofSeconds(10));
        try {
            long started = System.nanoTime();

            ValidationResult result = provider.validate(TelegramTests.settings(telegram, bot.token()));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
            assertThat(result.fieldErrors().get("token")).singleElement().asString()
                    .contains("it did not answer in time").contains("The token was not checked");
        } finally {
            telegram.faults().clear();
        }
    }

    @Test
    void unknownHostIsReportedAsUnreachable() {
        EmulatedBot bot = TelegramTests.bot(telegram);

        ValidationResult result = provider.validate(
                TelegramTests.settings("https://no-such-host.invalid", bot.token()));

        assertThat(result.fieldErrors().get("token")).singleElement().asString()
                .startsWith("Could not reach Telegram at https://no-such-host.invalid: its host name is unknown")
                .contains("The token was not checked");
    }

    @Test
    void apiUrlFieldOverridesTheHostSetting() {
        EmulatedBot bot = TelegramTests.bot(telegram);
        Map<String, Object> values = new LinkedHashMap<>(TelegramTests.settings(telegram, bot.token()).values());
        values.put(TelegramConfig.API_URL, telegram.baseUrl());
        ChannelSettings settings = new ChannelSettings(1, values,
                Map.of(TelegramConfig.API_URL_SETTING, "http://127.0.0.1:1"));

        assertThat(provider.validate(settings).valid()).isTrue();
    }

    @Test
    void apiUrlWithAPathIsRefusedOnItsField() {
        EmulatedBot bot = TelegramTests.bot(telegram);
        Map<String, Object> values = new LinkedHashMap<>(TelegramTests.settings(telegram, bot.token()).values());
        values.put(TelegramConfig.API_URL, telegram.baseUrl() + "/telegram");

        ValidationResult result = provider.validate(new ChannelSettings(1, values, Map.of()));

        assertThat(result.fieldErrors()).containsOnlyKeys(TelegramConfig.API_URL);
        assertThat(result.fieldErrors().get(TelegramConfig.API_URL)).singleElement().asString()
                .contains("just scheme, host and port");
    }

    @Test
    void emptyFormNamesTheMissingToken() {
        ValidationResult result = provider.validate(new ChannelSettings(1, Map.of(FormSchema.NAME, "x"), Map.of()));

        assertThat(result.fieldErrors().get("token")).singleElement().asString().startsWith("Token is required");
    }

    @Test
    void tokenOfAUserAccountIsRefused() throws Exception {
        try (StubBotApi stub = StubBotApi.start()) {
            stub.answer("getMe", "{\"ok\":true,\"result\":{\"id\":42,\"is_bot\":false,\"first_name\":\"Alice\"}}");

            ValidationResult result = provider.validate(TelegramTests.settings(stub.baseUrl(),
                    "42:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));

            assertThat(result.fieldErrors().get("token")).singleElement().asString()
                    .contains("belongs to a user account, not a bot");
        }
    }

    @Test
    void formDeclaresTheTokenAsARequiredSecretWithItsShape() {
        var token = provider.schema().fields().getFirst();
        assertThat(token.name()).isEqualTo("token");
        assertThat(token.type()).isEqualTo(com.smartchat.channel.spi.FieldType.SECRET);
        assertThat(token.required()).isTrue();
        assertThat(token.label()).isEqualTo("Token");
        assertThat(token.placeholder()).isEqualTo("110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw");
        assertThat(token.help()).contains("/newbot").contains("/token");
        assertThat(token.check(Secret.of("110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"))).isEmpty();
        assertThat(token.check(Secret.of("110201543-AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"))).hasSize(1);
        var apiUrl = provider.schema().fields().get(1);
        assertThat(apiUrl.name()).isEqualTo("apiUrl");
        assertThat(apiUrl.label()).isEqualTo("Bot API server");
        assertThat(apiUrl.required()).isFalse();
        assertThat(provider.schema().fields()).hasSize(3);
        assertThat(List.of(provider.id(), provider.displayName(), provider.spiVersion()))
                .containsExactly("telegram", "Telegram", "1.1");
        assertThat(provider.rateLimits()).containsExactly(
                new RateLimit(RateLimit.Scope.CONVERSATION, 1, Duration.ofSeconds(1), 3),
                new RateLimit(RateLimit.Scope.GROUP_CONVERSATION, 20, Duration.ofMinutes(1), 20),
                new RateLimit(RateLimit.Scope.CHANNEL, 30, Duration.ofSeconds(1), 30));
    }
}
