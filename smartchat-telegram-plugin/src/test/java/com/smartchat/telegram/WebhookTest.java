package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.ValidationResult;
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.spi.WebhookResponse;
import com.smartchat.channel.tck.TestChannelContext;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.EmulatorOptions;
import com.smartchat.telegram.emulator.RateLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhook mode against the emulator: the channel registers its webhook, a local receiver plays the host's
 * {@code POST /hooks/{id}} and hands Telegram's requests to {@code handleWebhook}; forged and malformed requests are
 * handed over directly.
 */
class WebhookTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private static BotApiEmulator telegram;
    private final TelegramChannelProvider provider = new TelegramChannelProvider();
    private WebhookReceiver receiver;

    @BeforeAll
    static void startTelegram() {
        // Telegram retries a failed delivery for a long time; a few quick retries stand in for that here
        telegram = BotApiEmulator.start(EmulatorOptions.defaults().withRateLimits(RateLimits.off())
                .withWebhookRetries(8, Duration.ofMillis(200)));
    }

    @AfterAll
    static void stopTelegram() {
        telegram.close();
    }

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
        telegram.faults().clear();
    }

    // ------------------------------------------------------------------------------------------------- secret

    @Test
    void secretIsStablePerTokenAndChannelAndChangesWithTheToken() {
        String token = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
        String rotated = "110201543:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
        String secret = WebhookSecret.derive(token, "channel-1");

        assertThat(WebhookSecret.derive(token, "channel-1")).isEqualTo(secret);
        assertThat(WebhookSecret.derive(rotated, "channel-1")).isNotEqualTo(secret);
        assertThat(WebhookSecret.derive(token, "channel-2")).isNotEqualTo(secret);
        assertThat(secret).matches("[A-Za-z0-9_-]{1,256}").doesNotContain("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw");
        assertThat(WebhookSecret.matches(secret, java.util.Optional.of(secret))).isTrue();
        assertThat(WebhookSecret.matches(secret, java.util.Optional.of(secret.substring(1)))).isFalse();
        assertThat(WebhookSecret.matches(secret, java.util.Optional.empty())).isFalse();
    }

    // ------------------------------------------------------------------------------------------- receiving

    @Test
    void webhookModeRegistersTheWebhookAndStoresEachUpdateOnceInOrder() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        EmulatedUser alice = telegram.createUser("Alice", "alice", "en");
        String hookId = UUID.randomUUID().toString();
        long pollsBefore = telegram.requestCount("getUpdates");
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            RecordingContext context = new RecordingContext(kit, new ArrayList<>(), receiver.url(hookId));
            Channel channel = provider.open(context);
            receiver.routeTo(channel);
            channel.start();
            try {
                String info = TelegramTests.callBotApi(telegram, bot.token(), "getWebhookInfo", "");
                assertThat(info).contains("\"url\":\"" + receiver.url(hookId) + "\"").contains("\"max_connections\":40")
                        .doesNotContain(bot.token());

                alice.send(bot, "hi");
                alice.send(bot, "second");
                alice.send(bot, "third");

                List<InboundEvent> events = kit.awaitEvents(3, WAIT);
                assertThat(events).extracting(event -> ((InboundEvent.MessageReceived) event).text())
                        .containsExactly("hi", "second", "third");
                assertThat(((InboundEvent.MessageReceived) events.getFirst()).member().username()).isEqualTo("alice");
                assertThat(kit.deliveryAttempts()).isEqualTo(3);
                TelegramTests.await("three answers", WAIT, () -> receiver.answers().size() == 3);
                assertThat(receiver.answers()).containsExactly(200, 200, 200);
                TelegramTests.await("nothing left at Telegram", WAIT, () -> telegram.pendingUpdateCount(bot) == 0);
                assertThat(telegram.requestCount("getUpdates")).as("no polling in webhook mode").isEqualTo(pollsBefore);
                assertThat(kit.count("webhooks.received", "outcome", "stored")).isEqualTo(3);
                TelegramTests.await("the webhook checked", WAIT,
                        () -> channel.status().details().containsKey("webhookPendingUpdates"));
                ChannelStatus status = channel.status();
                assertThat(status.state()).isEqualTo(ChannelState.RUNNING);
                assertThat(status.details()).containsEntry("delivery", "webhook")
                        .containsEntry("bot", "@" + bot.username());
            } finally {
                channel.stop();
            }
            assertThat(TelegramTests.callBotApi(telegram, bot.token(), "getWebhookInfo", ""))
                    .as("stop leaves the webhook set: Telegram keeps updates for the next start")
                    .contains(receiver.url(hookId));
            assertThat(channel.status().state()).isEqualTo(ChannelState.STOPPED);
            assertThat(channel.handleWebhook(update(1, "late"))).extracting(WebhookResponse::status).isEqualTo(503);
            String secret = WebhookSecret.derive(bot.token(), kit.channelId());
            assertThat(kit.logLines()).allSatisfy(line -> assertThat(line.toString())
                    .doesNotContain(bot.token()).doesNotContain(secret));
        }
    }

    @Test
    void forgedSecretOrMissingHeaderIsRefusedWith401AndNothingIsStored() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("forged")));
            channel.start();
            try {
                String secret = WebhookSecret.derive(bot.token(), kit.channelId());
                String forged = WebhookSecret.derive("110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", kit.channelId());
                byte[] body = TelegramTests.updateJson(7, "let me in");

                WebhookResponse missing = channel.handleWebhook(new WebhookRequest(Map.of(), body));
                WebhookResponse wrong = channel.handleWebhook(request(forged, body));
                WebhookResponse truncated = channel.handleWebhook(request(secret.substring(0, secret.length() - 1), body));
                WebhookResponse empty = channel.handleWebhook(request("", body));

                assertThat(List.of(missing, wrong, truncated, empty)).allSatisfy(response -> {
                    assertThat(response.status()).isEqualTo(401);
                    assertThat(response.body()).doesNotContain(secret);
                });
                assertThat(kit.deliveryAttempts()).as("nothing handed to the host").isZero();
                assertThat(kit.count("webhooks.received", "outcome", "unauthorized")).isEqualTo(4);
                // the same request with the right secret is stored
                assertThat(channel.handleWebhook(request(secret, body)).status()).isEqualTo(200);
                assertThat(kit.events()).singleElement()
                        .extracting(event -> ((InboundEvent.MessageReceived) event).text()).isEqualTo("let me in");
            } finally {
                channel.stop();
            }
        }
    }

    /**
     * Where several hosts share the work, one runs the channel and another, picked by a load balancer, gets
     * Telegram's request: it opens the channel without starting it, only to verify and store the request.
     */
    @Test
    void aChannelOpenedAndNeverStartedTakesWebhookRequestsForTheHostThatRunsIt() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("elsewhere")));
            assertThat(channel.receivesWebhooksUnstarted()).isTrue();
            long setWebhooks = telegram.requestCount("setWebhook");
            String secret = WebhookSecret.derive(bot.token(), kit.channelId());
            String forged = WebhookSecret.derive("110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", kit.channelId());

            assertThat(channel.handleWebhook(request(forged, TelegramTests.updateJson(3, "forged"))).status()).isEqualTo(401);
            assertThat(channel.handleWebhook(request(secret, TelegramTests.updateJson(4, "from the balancer"))).status())
                    .isEqualTo(200);

            assertThat(kit.events()).singleElement()
                    .extracting(event -> ((InboundEvent.MessageReceived) event).text()).isEqualTo("from the balancer");
            assertThat(telegram.requestCount("setWebhook")).as("the webhook is the running host's to register")
                    .isEqualTo(setWebhooks);
            assertThat(channel.status().state()).as("it runs nowhere here").isNotIn(ChannelState.RUNNING,
                    ChannelState.DEGRADED);
            channel.stop();
            assertThat(channel.handleWebhook(request(secret, TelegramTests.updateJson(5, "after stop"))).status()).isEqualTo(503);
            assertThat(kit.events()).hasSize(1);
        }
    }

    @Test
    void malformedBodyIsRefusedWith400AndNothingIsStored() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("malformed")));
            channel.start();
            try {
                String secret = WebhookSecret.derive(bot.token(), kit.channelId());
                for (String body : List.of("", "not json", "{\"update_id\":", "[1,2]", "null", "{} {}")) {
                    assertThat(channel.handleWebhook(request(secret, body.getBytes(StandardCharsets.UTF_8))).status())
                            .as("body %s", body).isEqualTo(400);
                }
                assertThat(kit.deliveryAttempts()).isZero();
                assertThat(kit.setAside()).isEmpty();
                assertThat(channel.status().state()).isEqualTo(ChannelState.RUNNING);
            } finally {
                channel.stop();
            }
        }
    }

    @Test
    void anUpdateTypeTheModelDoesNotKnowIsStoredAsUnrecognized() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("unknown")));
            channel.start();
            try {
                String secret = WebhookSecret.derive(bot.token(), kit.channelId());
                byte[] body = "{\"update_id\":42,\"brand_new_thing\":{\"x\":1}}".getBytes(StandardCharsets.UTF_8);
                assertThat(channel.handleWebhook(request(secret, body)).status()).isEqualTo(200);
                assertThat(kit.events()).singleElement().isInstanceOf(InboundEvent.Unrecognized.class)
                        .extracting(InboundEvent::eventId).isEqualTo("42");
            } finally {
                channel.stop();
            }
        }
    }

    @Test
    void deliveryExceptionAnswers503AndTelegramsRetryLandsOnce() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        EmulatedUser bob = telegram.createUser("Bob");
        List<InboundEvent> stored = new ArrayList<>();
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, stored, receiver.url("retry")));
            receiver.routeTo(channel);
            channel.start();
            try {
                kit.failNextDeliveries(2);
                bob.send(bot, "hi");
                bob.send(bot, "after hi");

                List<InboundEvent> events = kit.awaitEvents(2, WAIT);
                assertThat(events).extracting(event -> ((InboundEvent.MessageReceived) event).text())
                        .containsExactly("hi", "after hi");
                TelegramTests.await("four answers", WAIT, () -> receiver.answers().size() == 4);
                assertThat(receiver.answers()).containsExactly(503, 503, 200, 200);
                synchronized (stored) {
                    assertThat(stored).as("each update stored once").hasSize(2);
                }
                assertThat(kit.deliveryAttempts()).isEqualTo(4);
                TelegramTests.awaitReport(kit, WAIT, status -> status.state() == ChannelState.DEGRADED
                        && status.reason().contains("could not store"));
                TelegramTests.awaitReport(kit, WAIT, status -> status.state() == ChannelState.RUNNING);
                TelegramTests.await("nothing left at Telegram", WAIT, () -> telegram.pendingUpdateCount(bot) == 0);
                assertThat(kit.count("webhooks.received", "outcome", "not-stored")).isEqualTo(2);
            } finally {
                channel.stop();
            }
        }
    }

    @Test
    void telegramsRetryOfAStoredUpdateIsAcceptedAndStoredOnce() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("dup")));
            channel.start();
            try {
                String secret = WebhookSecret.derive(bot.token(), kit.channelId());
                byte[] body = TelegramTests.updateJson(99, "once");
                assertThat(channel.handleWebhook(request(secret, body)).status()).isEqualTo(200);
                assertThat(channel.handleWebhook(request(secret, body)).status()).isEqualTo(200);
                assertThat(kit.deliveryAttempts()).isEqualTo(2);
                assertThat(kit.events()).as("the same update is the same event").hasSize(1);
            } finally {
                channel.stop();
            }
        }
    }

    // ------------------------------------------------------------------------------------------- switching

    @Test
    void switchingBetweenPollingAndWebhookLosesNoUpdateAndStoresEachOnce() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        EmulatedUser carol = telegram.createUser("Carol");
        String hook = receiver.url(UUID.randomUUID().toString());
        List<InboundEvent> stored = new ArrayList<>();
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.settings(telegram, bot.token()))) {
            // polling
            Channel polling = provider.open(new RecordingContext(kit, stored, hook));
            polling.start();
            carol.send(bot, "1 polled");
            kit.awaitEvents(1, WAIT);
            polling.stop();
            carol.send(bot, "2 while switching to webhook");

            // webhook: Telegram delivers what it kept
            Channel webhook = provider.open(new RecordingContext(kit, stored, hook,
                    TelegramTests.webhookSettings(telegram, bot.token(), receiver.url(""))));
            receiver.routeTo(webhook);
            webhook.start();
            carol.send(bot, "3 by webhook");
            kit.awaitEvents(3, WAIT);
            webhook.stop();
            receiver.routeTo(null); // the host answers 503 while no channel runs
            carol.send(bot, "4 while switching back to polling");
            assertThat(TelegramTests.callBotApi(telegram, bot.token(), "getWebhookInfo", "")).contains(hook);

            // polling again: the channel's own webhook is removed, what Telegram kept is polled
            Channel pollingAgain = provider.open(new RecordingContext(kit, stored, hook));
            pollingAgain.start();
            try {
                carol.send(bot, "5 polled again");
                List<InboundEvent> events = kit.awaitEvents(5, WAIT);
                assertThat(events).extracting(event -> ((InboundEvent.MessageReceived) event).text()).containsExactly(
                        "1 polled", "2 while switching to webhook", "3 by webhook", "4 while switching back to polling",
                        "5 polled again");
                assertThat(TelegramTests.callBotApi(telegram, bot.token(), "getWebhookInfo", ""))
                        .contains("\"url\":\"\"");
                assertThat(pollingAgain.status().state()).isEqualTo(ChannelState.RUNNING);
                // "1 polled" was stored but not yet confirmed by a next poll when polling stopped, so the webhook
                // brought it again: at least once from Telegram, once in the store (the kit, like the host, keeps
                // one event per update id)
                assertThat(kit.events()).hasSize(5);
                synchronized (stored) {
                    assertThat(stored).extracting(InboundEvent::eventId).containsAll(
                            kit.events().stream().map(InboundEvent::eventId).toList());
                }
            } finally {
                pollingAgain.stop();
            }
        }
    }

    @Test
    void webhookOfAnotherProgramIsAConflictInWebhookModeAndIsLeftAlone() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        TelegramTests.callBotApi(telegram, bot.token(), "setWebhook", "url=" + TelegramTests.closedPortUrl() + "/other");
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("mine")));
            assertThatThrownBy(channel::start).isInstanceOfSatisfying(ChannelException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.CONFLICT);
                assertThat(e.fixHint()).hasValueSatisfying(hint -> assertThat(hint).contains("deleteWebhook"));
            });
            assertThat(channel.status().state()).isEqualTo(ChannelState.NEEDS_ATTENTION);
            assertThat(TelegramTests.callBotApi(telegram, bot.token(), "getWebhookInfo", "")).contains("/other");
            channel.stop();
        }
    }

    @Test
    void ownWebhookUnderAnOldPublicAddressIsReplaced() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        String id = UUID.randomUUID().toString();
        TelegramTests.callBotApi(telegram, bot.token(), "setWebhook",
                "url=" + TelegramTests.closedPortUrl() + "/old-base/hooks/" + id);
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url(id)));
            channel.start();
            try {
                assertThat(TelegramTests.callBotApi(telegram, bot.token(), "getWebhookInfo", ""))
                        .contains(receiver.url(id));
            } finally {
                channel.stop();
            }
        }
    }

    @Test
    void webhookThisHostSetForADeletedChannelIsTakenOverInBothModes() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        TelegramTests.callBotApi(telegram, bot.token(), "setWebhook", "url=" + receiver.url("deleted-channel"));
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.settings(telegram, bot.token()))) {
            Channel polling = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("new-channel")));
            polling.start();
            polling.stop();
            assertThat(TelegramTests.callBotApi(telegram, bot.token(), "getWebhookInfo", "")).contains("\"url\":\"\"");
        }
        TelegramTests.callBotApi(telegram, bot.token(), "setWebhook", "url=" + receiver.url("deleted-channel"));
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel webhook = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("new-channel")));
            webhook.start();
            webhook.stop();
            assertThat(TelegramTests.callBotApi(telegram, bot.token(), "getWebhookInfo", ""))
                    .contains(receiver.url("new-channel"));
        }
    }

    // ----------------------------------------------------------------------------------------------- health

    @Test
    void healthShowsPendingUpdatesAndTelegramsLastErrorAndDegradesUntilDeliveriesPass() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        EmulatedUser dave = telegram.createUser("Dave");
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("health")));
            receiver.routeTo(channel);
            channel.start();
            try {
                receiver.answerEverythingWith(502); // a proxy in front of the host fails
                dave.send(bot, "one");
                dave.send(bot, "two");

                ChannelStatus degraded = TelegramTests.awaitReport(kit, WAIT,
                        status -> status.state() == ChannelState.DEGRADED);
                assertThat(degraded.reason()).startsWith("Telegram cannot deliver updates to this channel's webhook")
                        .contains("502");
                assertThat(degraded.fixHint()).contains("smartchat.public-url");
                TelegramTests.await("the pending updates shown", WAIT,
                        () -> "2".equals(channel.status().details().get("webhookPendingUpdates")));
                assertThat(channel.status().details()).containsKey("webhookLastErrorAt")
                        .hasEntrySatisfying("webhookLastError", error -> assertThat(error).contains("502"));
                assertThat(kit.deliveryAttempts()).isZero();

                receiver.answerEverythingWith(0);
                assertThat(kit.awaitEvents(2, WAIT)).extracting(event -> ((InboundEvent.MessageReceived) event).text())
                        .containsExactly("one", "two");
                TelegramTests.awaitReport(kit, WAIT, status -> status.state() == ChannelState.RUNNING);
                TelegramTests.await("no pending updates shown", WAIT,
                        () -> "0".equals(channel.status().details().get("webhookPendingUpdates")));
                assertThat(channel.status().state()).isEqualTo(ChannelState.RUNNING);
            } finally {
                channel.stop();
            }
        }
    }

    @Test
    void tokenRevokedWhileReceivingByWebhookNeedsAttention() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("revoked")));
            channel.start();
            try {
                telegram.revokeToken(bot);
                ChannelStatus report = TelegramTests.awaitReport(kit, WAIT,
                        status -> status.state() == ChannelState.NEEDS_ATTENTION);
                assertThat(report.reason()).isEqualTo(Failures.UNAUTHORIZED_REASON);
                assertThat(report.fixHint()).contains("token");
            } finally {
                channel.stop();
            }
        }
    }

    @Test
    void webhookRemovedByAnotherProgramNeedsAttention() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("taken")));
            channel.start();
            try {
                TelegramTests.callBotApi(telegram, bot.token(), "deleteWebhook", "");
                ChannelStatus report = TelegramTests.awaitReport(kit, WAIT,
                        status -> status.state() == ChannelState.NEEDS_ATTENTION);
                assertThat(report.reason()).contains("webhook was removed or replaced");
            } finally {
                channel.stop();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ start

    @Test
    void webhookModeWithoutAPublicAddressNeedsAttentionAndSetsNothing() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        long setWebhooks = telegram.requestCount("setWebhook");
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(), null))) {
            Channel channel = provider.open(kit); // the kit's context has no webhook address
            assertThatThrownBy(channel::start).isInstanceOfSatisfying(ChannelException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.INVALID_REQUEST);
                assertThat(e.getMessage()).contains("no public address");
                assertThat(e.fixHint()).hasValueSatisfying(hint -> assertThat(hint).contains("smartchat.public-url"));
            });
            assertThat(channel.status().state()).isEqualTo(ChannelState.NEEDS_ATTENTION);
            assertThat(telegram.requestCount("setWebhook")).isEqualTo(setWebhooks);
            channel.stop();
        }
    }

    @Test
    void setWebhookAnswered401NeedsAttentionLikePolling() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("refused")));
            telegram.faults().failNext("setWebhook", 1, 401);
            assertThatThrownBy(channel::start).isInstanceOfSatisfying(ChannelException.class,
                    e -> assertThat(e.kind()).isEqualTo(FailureKind.UNAUTHORIZED));
            assertThat(channel.status().state()).isEqualTo(ChannelState.NEEDS_ATTENTION);
            assertThat(channel.status().fixHint()).contains("token");
            channel.stop();
        }
    }

    @Test
    void setWebhookAnswered400NeedsAttentionWithTheAddressToFix() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                receiver.url("")))) {
            Channel channel = provider.open(new RecordingContext(kit, new ArrayList<>(), receiver.url("bad")));
            telegram.faults().failNext("setWebhook", 1, 400);
            assertThatThrownBy(channel::start).isInstanceOfSatisfying(ChannelException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.INVALID_REQUEST);
                assertThat(e.getMessage()).startsWith("Telegram refused this channel's webhook address");
            });
            assertThat(channel.status().state()).isEqualTo(ChannelState.NEEDS_ATTENTION);
            channel.stop();
        }
    }

    // ------------------------------------------------------------------------------------------ the form

    @Test
    void webhookChoiceIsRefusedOnAHostWithoutAPublicAddress() {
        EmulatedBot bot = TelegramTests.bot(telegram);
        ValidationResult refused = provider.validate(TelegramTests.webhookSettings(telegram, bot.token(), null));
        ValidationResult accepted = provider.validate(TelegramTests.webhookSettings(telegram, bot.token(),
                "http://localhost:8080"));

        assertThat(refused.valid()).isFalse();
        assertThat(refused.fieldErrors().get(TelegramConfig.DELIVERY)).singleElement().asString()
                .contains("smartchat.public-url").contains("Long polling");
        assertThat(accepted.valid()).as("a self-hosted Bot API server takes http on any port").isTrue();
    }

    @Test
    void telegramsOwnServerNeedsHttpsOnOneOfItsPorts() throws Exception {
        ChannelSettings settings = TelegramTests.webhookSettings(telegram, "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
                null);
        Map<String, Object> values = new LinkedHashMap<>(settings.values());
        TelegramConfig config = TelegramConfig.from(new ChannelSettings(settings.schemaVersion(), values,
                Map.of(TelegramConfig.API_URL_SETTING, "https://api.telegram.org")));

        assertThat(config.webhookAddressProblem("http://chat.example.com")).contains("https").contains("8443");
        assertThat(config.webhookAddressProblem("https://chat.example.com:8080")).contains("port 443, 80, 88 or 8443");
        assertThat(config.webhookAddressProblem("https://chat.example.com")).isNull();
        assertThat(config.webhookAddressProblem("https://chat.example.com:8443/smartchat")).isNull();
        assertThat(TelegramConfig.from(settings).webhookAddressProblem("http://localhost:8080")).isNull();
    }

    @Test
    void formOffersPollingByDefaultAndWebhookAndMigratesOldSettingsToPolling() {
        var delivery = provider.schema().fields().stream()
                .filter(field -> field.name().equals(TelegramConfig.DELIVERY)).findFirst().orElseThrow();
        assertThat(delivery.type()).isEqualTo(com.smartchat.channel.spi.FieldType.CHOICE);
        assertThat(delivery.label()).isEqualTo("Receive updates by");
        assertThat(delivery.choices()).extracting(choice -> choice.value()).containsExactly("polling", "webhook");
        assertThat(delivery.defaultValue()).isEqualTo("polling");
        assertThat(provider.schema().version()).isEqualTo(3);

        Map<String, Object> old = Map.of("name", "Support", "token", Secret.of("1:x"));
        assertThat(provider.migrateSettings(1, old)).containsEntry("delivery", "polling")
                .containsEntry("name", "Support").containsKey("token");
        assertThat(provider.migrateSettings(1, Map.of("delivery", "webhook"))).containsEntry("delivery", "webhook");
        assertThat(provider.migrateSettings(2, Map.of("delivery", "webhook", "apiUrl", "http://10.0.0.7:6379")))
                .as("a channel's own Bot API server is dropped").containsExactly(Map.entry("delivery", "webhook"));
    }

    // --------------------------------------------------------------------------------------------- helpers

    private static WebhookRequest request(String secret, byte[] body) {
        return new WebhookRequest(Map.of(WebhookSecret.HEADER, List.of(secret),
                "Content-Type", List.of("application/json")), body);
    }

    private static WebhookRequest update(int updateId, String text) {
        return new WebhookRequest(Map.of(), TelegramTests.updateJson(updateId, text));
    }
}
