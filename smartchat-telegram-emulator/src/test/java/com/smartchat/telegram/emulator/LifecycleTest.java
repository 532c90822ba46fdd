package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class LifecycleTest {

    @Test
    void startingAndStoppingIsCheap() {
        for (int i = 0; i < 50; i++) {
            try (BotApiEmulator telegram = BotApiEmulator.start()) {
                EmulatedBot bot = telegram.createBot("Bot " + i, "bot_" + i + "_bot");
                assertThat(new BotApiClient(telegram.baseUrl()).call(bot.token(), "getMe").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aFixedPortCanBeChosen() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }

        try (BotApiEmulator telegram = BotApiEmulator.start(port)) {
            assertThat(telegram.port()).isEqualTo(port);
            assertThat(telegram.baseUrl()).isEqualTo("http://127.0.0.1:" + port);
        }
    }

    @Test
    void closingReleasesWaitingLongPolls() {
        BotApiEmulator telegram = BotApiEmulator.start();
        EmulatedBot bot = telegram.createBot("Poller", "poller_bot");
        CompletableFuture<BotApiClient.Response> poll =
                new BotApiClient(telegram.baseUrl()).callAsync(bot.token(), "getUpdates", "timeout", 60);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!telegram.isPolling(bot) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(telegram.isPolling(bot)).isTrue();

        telegram.close();

        // The connection closes with the server, as when Telegram goes away; what matters is that it ends.
        assertThat(poll.handle((response, failure) -> true)).succeedsWithin(50, TimeUnit.SECONDS);
    }

    @Test
    void mainPrintsTheBaseUrlAndADemoBotToken() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        try (BotApiEmulator telegram = EmulatorMain.start(new String[] {"--port", "0", "--no-rate-limits"},
                new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            String output = printed.toString(StandardCharsets.UTF_8);
            Matcher token = Pattern.compile("token (\\S+)").matcher(output);

            assertThat(output).contains(telegram.baseUrl());
            assertThat(token.find()).isTrue();
            assertThat(new BotApiClient(telegram.baseUrl()).call(token.group(1), "getUpdates").result()).hasSize(1);
            assertThat(telegram.rateLimits().enabled()).isFalse();
        }
        assertThatThrownBy(() -> EmulatorMain.start(new String[] {"--bogus"}, System.out))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void usernamesAreCheckedLikeBotFatherDoes() {
        try (BotApiEmulator telegram = BotApiEmulator.start()) {
            telegram.createBot("Fine", "Fine_Bot");
            assertThatThrownBy(() -> telegram.createBot("Taken", "fine_bot"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> telegram.createBot("No suffix", "helper"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> telegram.createBot("Short", "abot"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
