package com.smartchat.telegram;

import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.tck.TestChannelContext;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatorOptions;
import com.smartchat.telegram.emulator.RateLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** What the tests share: an emulator per class, settings that point at it, waiting. */
final class TelegramTests {

    /** Short polls: stops and restarts in tests need not wait for a long poll. */
    static final String POLL_TIMEOUT_SECONDS = "1";

    private static final AtomicInteger BOTS = new AtomicInteger();

    private TelegramTests() {
    }

    /** An emulator without flood limits (tests that need them set their own). */
    static BotApiEmulator emulator() {
        return BotApiEmulator.start(EmulatorOptions.defaults().withRateLimits(RateLimits.off()));
    }

    /** A new bot with a unique username. */
    static EmulatedBot bot(BotApiEmulator telegram) {
        int n = BOTS.incrementAndGet();
        return telegram.createBot("Support Bot " + n, "support" + n + "_bot");
    }

    /** The settings an admin would enter for this token, with the host pointing the plugin at the emulator. */
    static ChannelSettings settings(BotApiEmulator telegram, String token) {
        return settings(telegram.baseUrl(), token);
    }

    static ChannelSettings settings(String apiUrl, String token) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(FormSchema.NAME, "Support");
        values.put(TelegramConfig.TOKEN, Secret.of(token));
        return new ChannelSettings(TelegramChannelProvider.SCHEMA_VERSION, values,
                Map.of(TelegramConfig.API_URL_SETTING, apiUrl, TelegramConfig.POLL_TIMEOUT_SETTING, POLL_TIMEOUT_SECONDS));
    }

    /**
     * The settings of a channel that receives by webhook, on a host whose public address is {@code publicUrl}
     * ({@code null}: none), checking the webhook every second.
     */
    static ChannelSettings webhookSettings(BotApiEmulator telegram, String token, String publicUrl) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(FormSchema.NAME, "Support");
        values.put(TelegramConfig.TOKEN, Secret.of(token));
        values.put(TelegramConfig.DELIVERY, "webhook");
        Map<String, String> host = new LinkedHashMap<>();
        host.put(TelegramConfig.API_URL_SETTING, telegram.baseUrl());
        host.put(TelegramConfig.POLL_TIMEOUT_SETTING, POLL_TIMEOUT_SECONDS);
        host.put(TelegramConfig.WEBHOOK_CHECK_INTERVAL_SETTING, "1");
        if (publicUrl != null) {
            host.put(TelegramConfig.PUBLIC_URL_SETTING, publicUrl);
        }
        return new ChannelSettings(TelegramChannelProvider.SCHEMA_VERSION, values, host);
    }

    /** A loopback address where nothing listens. */
    /** A Telegram update carrying a text message from Eve, as Telegram posts it to a webhook. */
    static byte[] updateJson(int updateId, String text) {
        return ("{\"update_id\":" + updateId + ",\"message\":{\"message_id\":" + updateId + ",\"date\":1700000000,"
                + "\"chat\":{\"id\":4242,\"type\":\"private\",\"first_name\":\"Eve\"},"
                + "\"from\":{\"id\":4242,\"is_bot\":false,\"first_name\":\"Eve\"},\"text\":\"" + text + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static String closedPortUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    /** Waits until the condition holds. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Waits for a report matching the predicate and returns it. */
    static ChannelStatus awaitReport(TestChannelContext context, Duration timeout, Predicate<ChannelStatus> wanted)
            throws InterruptedException {
        await("a report matching the expectation; reports so far: " + context.reports(), timeout,
                () -> context.reports().stream().anyMatch(wanted));
        return context.reports().stream().filter(wanted).findFirst().orElseThrow();
    }

    /** Calls a Bot API method as another program would, with form parameters. */
    static String callBotApi(BotApiEmulator telegram, String token, String method, String form)
            throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(telegram.baseUrl() + "/bot" + token + "/" + method))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form))
                    .build();
            return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
        }
    }
}
