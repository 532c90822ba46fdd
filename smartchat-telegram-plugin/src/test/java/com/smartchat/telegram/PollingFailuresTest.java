package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.tck.TestChannelContext;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What polling does when Telegram refuses or fails, and how the channel tells the host. */
class PollingFailuresTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

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

    @AfterEach
    void clearFaults() {
        telegram.faults().clear();
    }

    @Test
    void tokenRevokedWhileRunningNeedsAttentionAndStopsPolling() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext context = new TestChannelContext(TelegramTests.settings(telegram, bot.token()))) {
            Channel channel = provider.open(context);
            channel.start();
            try {
                telegram.revokeToken(bot);

                ChannelStatus report = TelegramTests.awaitReport(context, WAIT,
                        status -> status.state() == ChannelState.NEEDS_ATTENTION);
                assertThat(report.reason()).isEqualTo("Telegram rejected the token (revoked or wrong)");
                assertThat(report.fixHint()).isEqualTo("Paste a new token from BotFather's /token with Replace token");
                assertThat(channel.status().state()).isEqualTo(ChannelState.NEEDS_ATTENTION);
                long polls = telegram.requestCount("getUpdates");
                Thread.sleep(1500);
                assertThat(telegram.requestCount("getUpdates")).as("no polling with a revoked token").isEqualTo(polls);
            } finally {
                channel.stop();
            }
            assertThat(channel.status().state()).isEqualTo(ChannelState.STOPPED);
        }
    }

    @Test
    void webhookSetByAnotherProgramNeedsAttention() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext context = new TestChannelContext(TelegramTests.settings(telegram, bot.token()))) {
            Channel channel = provider.open(context);
            channel.start();
            try {
                String answer = TelegramTests.callBotApi(telegram, bot.token(), "setWebhook",
                        "url=" + TelegramTests.closedPortUrl() + "/hook");
                assertThat(answer).contains("\"ok\":true");

                ChannelStatus report = TelegramTests.awaitReport(context, WAIT,
                        status -> status.state() == ChannelState.NEEDS_ATTENTION);
                assertThat(report.reason())
                        .isEqualTo("Another program receives this bot's updates (a webhook or a second poller)");
                assertThat(report.fixHint()).contains("deleteWebhook");
            } finally {
                channel.stop();
            }
        }
    }

    @Test
    void secondPollerOnTheSameTokenNeedsAttention() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext first = new TestChannelContext(TelegramTests.settings(telegram, bot.token()));
             TestChannelContext second = new TestChannelContext(TelegramTests.settings(telegram, bot.token()))) {
            Channel one = provider.open(first);
            Channel two = provider.open(second);
            one.start();
            two.start();
            try {
                TelegramTests.await("a conflict reported by one of the two pollers", WAIT,
                        () -> conflictReported(first) || conflictReported(second));
            } finally {
                one.stop();
                two.stop();
            }
        }
    }

    private static boolean conflictReported(TestChannelContext context) {
        return context.reports().stream().anyMatch(status -> status.state() == ChannelState.NEEDS_ATTENTION
                && status.reason().startsWith("Another program receives this bot's updates"));
    }

    @Test
    void startingWhileAWebhookIsSetFailsWithConflictAndLeavesTheWebhook() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        TelegramTests.callBotApi(telegram, bot.token(), "setWebhook", "url=" + TelegramTests.closedPortUrl() + "/hook");
        try (TestChannelContext context = new TestChannelContext(TelegramTests.settings(telegram, bot.token()))) {
            Channel channel = provider.open(context);

            assertThatThrownBy(channel::start).isInstanceOfSatisfying(ChannelException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.CONFLICT);
                assertThat(e.fixHint()).isPresent();
            });
            assertThat(channel.status().state()).isEqualTo(ChannelState.NEEDS_ATTENTION);
            assertThat(TelegramTests.callBotApi(telegram, bot.token(), "getWebhookInfo", ""))
                    .as("the other program's webhook is left alone").contains("/hook");
            channel.stop();
        }
    }

    @Test
    void startingWithARevokedTokenFailsUnauthorized() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        String revoked = bot.token();
        telegram.revokeToken(bot);
        try (TestChannelContext context = new TestChannelContext(TelegramTests.settings(telegram, revoked))) {
            Channel channel = provider.open(context);

            assertThatThrownBy(channel::start).isInstanceOfSatisfying(ChannelException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.UNAUTHORIZED);
                assertThat(e.getMessage()).doesNotContain(revoked);
                assertThat(e.fixHint()).contains("Paste a new token from BotFather's /token with Replace token");
            });
            assertThat(channel.status().state()).isEqualTo(ChannelState.NEEDS_ATTENTION);
            channel.stop();
        }
    }

    @Test
    void startingWhileTelegramIsUnreachableFailsTransient() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext context = new TestChannelContext(
                TelegramTests.settings(TelegramTests.closedPortUrl(), bot.token()))) {
            Channel channel = provider.open(context);

            assertThatThrownBy(channel::start).isInstanceOfSatisfying(ChannelException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
                assertThat(e.getMessage()).startsWith("Could not reach Telegram at http://127.0.0.1:");
            });
            assertThat(channel.status().state()).isEqualTo(ChannelState.FAILED);
            channel.stop();
        }
    }

    @Test
    void startThatFailsRemovingItsOwnWebhookCanSimplyBeTriedAgain() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        EmulatedUser alice = telegram.createUser("Alice");
        String hook = "https://smartchat.example.com/hooks/" + java.util.UUID.randomUUID();
        // left by this channel in webhook mode: switching to polling removes it first
        TelegramTests.callBotApi(telegram, bot.token(), "setWebhook", "url=" + hook);
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.settings(telegram, bot.token()))) {
            Channel channel = provider.open(new RecordingContext(kit, RecordingContext.sharedList(), hook));
            telegram.faults().failNext("deleteWebhook", 1, 500);

            assertThatThrownBy(channel::start).isInstanceOfSatisfying(ChannelException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
                assertThat(e.getMessage()).contains("500");
            });
            assertThat(channel.status().state()).isEqualTo(ChannelState.FAILED);

            channel.start();
            try {
                alice.send(bot, "second time lucky");
                kit.awaitEvents(1, WAIT);
                assertThat(TelegramTests.callBotApi(telegram, bot.token(), "getWebhookInfo", ""))
                        .contains("\"url\":\"\"");
            } finally {
                channel.stop();
            }
        }
    }

    @Test
    void failingPollsDegradeTheChannelUntilTheyPassAndNothingIsLost() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        EmulatedUser alice = telegram.createUser("Alice");
        try (TestChannelContext context = new TestChannelContext(TelegramTests.settings(telegram, bot.token()))) {
            Channel channel = provider.open(context);
            channel.start();
            try {
                telegram.faults().failNext("getUpdates", 2, 502);
                alice.send(bot, "through the storm");

                ChannelStatus degraded = TelegramTests.awaitReport(context, WAIT,
                        status -> status.state() == ChannelState.DEGRADED);
                assertThat(degraded.reason()).contains("502");
                assertThat(context.count("polls.failed", "status", "502")).isGreaterThanOrEqualTo(1);
                context.awaitEvents(1, WAIT);
                TelegramTests.awaitReport(context, WAIT, status -> status.state() == ChannelState.RUNNING);
                assertThat(channel.status().state()).isEqualTo(ChannelState.RUNNING);
            } finally {
                channel.stop();
            }
        }
    }

    @Test
    void pollAnsweredWith429WaitsExactlyRetryAfter() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext context = new TestChannelContext(TelegramTests.settings(telegram, bot.token()))) {
            Channel channel = provider.open(context);
            channel.start();
            try {
                telegram.faults().failNext("getUpdates", 1, 429); // the emulator's injected 429: retry_after 1

                ChannelStatus degraded = TelegramTests.awaitReport(context, WAIT,
                        status -> status.state() == ChannelState.DEGRADED);
                assertThat(degraded.reason()).contains("wait 1 s").endsWith("retrying in 1.0 s");
                TelegramTests.awaitReport(context, WAIT, status -> status.state() == ChannelState.RUNNING);
            } finally {
                channel.stop();
            }
        }
    }

    @Test
    void pollerThatEndsUnexpectedlyShowsAsFailed() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        try (TestChannelContext context = new TestChannelContext(TelegramTests.settings(telegram, bot.token()))) {
            TelegramChannel channel = (TelegramChannel) provider.open(context);
            channel.start();
            try {
                channel.endPollerAbruptlyForTest();

                assertThat(channel.status().state()).isEqualTo(ChannelState.FAILED);
                ChannelStatus report = TelegramTests.awaitReport(context, WAIT,
                        status -> status.state() == ChannelState.FAILED);
                assertThat(report.reason()).contains("poller stopped unexpectedly");
            } finally {
                channel.stop();
            }
        }
    }
}
