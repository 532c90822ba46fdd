package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.IdentityPreview;
import com.smartchat.channel.spi.RateLimit;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.ValidationResult;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.RawListener;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
    void rejectedTokenSaysTelegramRefusedItAndHowToGetANewOne() {
        EmulatedBot bot = TelegramTests.bot(telegram);
        String revoked = bot.token();
        telegram.revokeToken(bot);

        ValidationResult result = provider.validate(TelegramTests.settings(telegram, revoked));

        assertThat(result.valid()).isFalse();
        assertThat(result.preview()).isNull();
        assertThat(result.fieldErrors()).containsOnlyKeys("token");
        assertThat(result.fieldErrors().get("token")).containsExactly(TelegramChannelProvider.TOKEN_REFUSED);
        assertThat(TelegramChannelProvider.TOKEN_REFUSED).contains("/token").contains("@BotFather");
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

        assertThat(result.fieldErrors().get("token")).containsExactly(TelegramChannelProvider.UNREACHABLE);
        assertThat(TelegramChannelProvider.UNREACHABLE).contains("the token was not checked").doesNotContain("refused");
    }

    @Test
    void telegramThatDoesNotAnswerIsGivenUpOnBeforeItAnswers() {
        EmulatedBot bot = TelegramTests.bot(telegram);
        Duration answerAfter = Duration.ofSeconds(30);
        telegram.faults().latency("getMe", answerAfter);
        try {
            long started = System.nanoTime();

            ValidationResult result = provider.validate(TelegramTests.settings(telegram, bot.token()));

            // the plugin's own timeout (seconds) ended the wait, not Telegram's answer; speed is for benchmarks
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(answerAfter);
            assertThat(result.fieldErrors().get("token")).containsExactly(TelegramChannelProvider.UNREACHABLE);
        } finally {
            telegram.faults().clear();
        }
    }

    @Test
    void unknownHostIsReportedAsUnreachable() {
        EmulatedBot bot = TelegramTests.bot(telegram);

        ValidationResult result = provider.validate(
                TelegramTests.settings("https://no-such-host.invalid", bot.token()));

        assertThat(result.fieldErrors().get("token")).containsExactly(TelegramChannelProvider.UNREACHABLE);
    }

    /**
     * Whatever answers at the Bot API address, if it is not the Bot API, the admin reads one sentence, with none of
     * the bytes it sent: the form cannot be used to read the banner of an internal service (issue 10, finding 3).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("answersThatAreNotTheBotApi")
    void anAnswerThatIsNotTheBotApiGetsOneFixedMessageWithNoneOfItsBytes(String kind, boolean greets, String answer,
                                                                         String telltale) throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (RawListener server = greets ? RawListener.greeting(answer) : RawListener.answering(answer)) {

            ValidationResult result = provider.validate(TelegramTests.settings(server.baseUrl(), bot.token()));

            assertThat(server.connections()).as("the listener was asked").isPositive();
            assertThat(result.fieldErrors().get("token")).containsExactly(TelegramChannelProvider.NOT_THE_BOT_API);
            assertThat(String.join(" ", result.fieldErrors().get("token"))).doesNotContain(telltale)
                    .doesNotContainIgnoringCase("exception").doesNotContain(server.baseUrl());
        }
    }

    static Stream<Arguments> answersThatAreNotTheBotApi() {
        return Stream.of(
                Arguments.of("an SSH banner", true, "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n", "OpenSSH"),
                Arguments.of("a plain-text service", false, "redis_password_required\r\n", "redis_password"),
                Arguments.of("an HTTP page", false, RawListener.http("200 OK", "Content-Type: text/plain\r\n",
                        "internal-admin-console ready"), "internal-admin-console"),
                Arguments.of("JSON that is not the Bot API", false, RawListener.http("200 OK",
                        "Content-Type: application/json\r\n", "{\"vault\":\"sealed\"}"), "vault"),
                Arguments.of("Bot API JSON without a bot", false, RawListener.http("200 OK",
                        "Content-Type: application/json\r\n", "{\"ok\":true,\"result\":{\"kube\":1}}"), "kube"),
                Arguments.of("an error page", false, RawListener.http("503 Metadata Service Unavailable",
                        "Content-Type: text/html\r\n", "<h1>metadata</h1>"), "etadata"),
                Arguments.of("a redirect", false, RawListener.http("302 Found",
                        "Location: http://169.254.169.254/latest/meta-data\r\n", ""), "169.254"));
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (RawListener target = RawListener.answering(RawListener.http("200 OK", "", "{}"));
             RawListener redirecting = RawListener.answering(RawListener.http("307 Temporary Redirect",
                     "Location: " + target.baseUrl() + "/bot" + bot.token() + "/getMe\r\n", ""))) {

            ValidationResult result = provider.validate(TelegramTests.settings(redirecting.baseUrl(), bot.token()));

            assertThat(redirecting.received()).as("the check went to the configured server").containsIgnoringCase("/getMe");
            assertThat(target.connections()).as("connections to where the redirect pointed").isZero();
            assertThat(result.fieldErrors().get("token")).containsExactly(TelegramChannelProvider.NOT_THE_BOT_API);
        }
    }

    /** Channels stored with a Bot API server of their own (form version 2) use the operator's now. */
    @Test
    void aChannelsOwnBotApiServerIsIgnored() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (RawListener attacker = RawListener.answering(RawListener.http("200 OK", "", "{}"))) {
            Map<String, Object> values = new LinkedHashMap<>(TelegramTests.settings(telegram, bot.token()).values());
            values.put(TelegramConfig.FORMER_API_URL_FIELD, attacker.baseUrl());

            ValidationResult result = provider.validate(new ChannelSettings(2, values,
                    Map.of(TelegramConfig.API_URL_SETTING, telegram.baseUrl())));

            assertThat(result.valid()).as(result.fieldErrors().toString()).isTrue();
            assertThat(attacker.connections()).isZero();
        }
    }

    @Test
    void anOperatorsBotApiAddressWithAPathIsToldOnTheToken() {
        EmulatedBot bot = TelegramTests.bot(telegram);

        ValidationResult result = provider.validate(TelegramTests.settings(telegram.baseUrl() + "/telegram", bot.token()));

        assertThat(result.fieldErrors()).containsOnlyKeys(TelegramConfig.TOKEN);
        assertThat(result.fieldErrors().get(TelegramConfig.TOKEN)).singleElement().asString()
                .contains("smartchat.plugins.telegram.api-url").contains("just scheme, host and port");
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
        assertThat(provider.schema().fields()).extracting(field -> field.name())
                .as("no Bot API server of a channel's own: the operator's alone").containsExactly("token", "delivery");
        assertThat(List.of(provider.id(), provider.displayName(), provider.spiVersion()))
                .containsExactly("telegram", "Telegram", ChannelProvider.SPI_VERSION);
        assertThat(provider.rateLimits()).containsExactly(
                new RateLimit(RateLimit.Scope.CONVERSATION, 1, Duration.ofSeconds(1), 3),
                new RateLimit(RateLimit.Scope.GROUP_CONVERSATION, 20, Duration.ofMinutes(1), 20),
                new RateLimit(RateLimit.Scope.CHANNEL, 30, Duration.ofSeconds(1), 30));
    }
}
