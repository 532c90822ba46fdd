package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
                new BotApiClient(telegram.baseUrl()).callAsync(bot.token(), "getUpdates", "timeout", 30);
        while (telegram.requestCount("getUpdates") == 0) {
            Thread.onSpinWait();
        }

        telegram.close();

        // The connection closes with the server, as when Telegram goes away; what matters is that it ends.
        assertThat(poll.handle((response, failure) -> true)).succeedsWithin(5, TimeUnit.SECONDS);
    }

    @Test
    void usernamesAreCheckedLikeBotFatherDoes() {
        try (BotApiEmulator telegram = BotApiEmulator.start()) {
            telegram.createBot("Fine", "Fine_Bot");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> telegram.createBot("Taken", "fine_bot"))
                    .isInstanceOf(IllegalArgumentException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> telegram.createBot("No suffix", "helper"))
                    .isInstanceOf(IllegalArgumentException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> telegram.createBot("Short", "abot"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
