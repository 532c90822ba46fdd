package com.smartchat.benchmarks;

import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/** What several benchmarks set up: bots, a Space, channels through the API, and waits. */
final class Fixtures {

    private Fixtures() {
    }

    static List<EmulatedBot> bots(BotApiEmulator telegram, String prefix, int count) {
        List<EmulatedBot> bots = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bots.add(telegram.newBot("Bench " + prefix + " " + i, String.format("%s%05d_bot", prefix, i))
                    .canReadAllGroupMessages(true).create());
        }
        return bots;
    }

    /** Creates a Space; returns its API path. */
    static String space(HostApi api, String name) {
        return "/api/spaces/" + api.post("/api/spaces", Map.of("name", name), 201).get("id").asString();
    }

    /**
     * Connects one channel per bot through {@code POST .../channels} (validate, store, start), {@code concurrency}
     * requests at a time; returns the channels' API paths in the bots' order.
     */
    static List<String> channels(HostApi api, String space, List<EmulatedBot> bots, String greeting, int concurrency)
            throws Exception {
        return channels(api, space, bots, greeting, concurrency, false);
    }

    /** The same, receiving by webhook when {@code webhook}. */
    static List<String> channels(HostApi api, String space, List<EmulatedBot> bots, String greeting, int concurrency,
                                 boolean webhook) throws Exception {
        Semaphore permits = new Semaphore(concurrency);
        List<Future<String>> created = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (EmulatedBot bot : bots) {
                permits.acquire();
                created.add(threads.submit(() -> {
                    try {
                        Map<String, Object> settings = new java.util.LinkedHashMap<>();
                        settings.put("name", "@" + bot.username());
                        settings.put("token", bot.token());
                        if (webhook) {
                            settings.put("delivery", "webhook");
                        }
                        if (greeting != null) {
                            settings.put("greeting", greeting);
                        }
                        JsonNode channel = api.post(space + "/channels",
                                Map.of("provider", "telegram", "settings", settings), 201);
                        return space + "/channels/" + channel.get("id").asString();
                    } finally {
                        permits.release();
                    }
                }));
            }
        }
        List<String> paths = new ArrayList<>(created.size());
        for (Future<String> future : created) {
            paths.add(future.get());
        }
        return paths;
    }

    /** How many of the bots have a long poll waiting in the emulator right now. */
    static int polling(BotApiEmulator telegram, List<EmulatedBot> bots) {
        int count = 0;
        for (EmulatedBot bot : bots) {
            if (telegram.isPolling(bot)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Waits until every bot has a long poll waiting.
     *
     * @return the nanoTime when they all did
     */
    static long awaitPolling(BotApiEmulator telegram, List<EmulatedBot> bots, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            seen = polling(telegram, bots);
            if (seen == bots.size()) {
                return System.nanoTime();
            }
            Thread.sleep(bots.size() > 2000 ? 200 : 20);
        }
        throw new IllegalStateException(seen + " of " + bots.size() + " bots were polling after " + timeout);
    }

    static Path tempDir(String name) throws IOException {
        return Files.createTempDirectory("smartchat-bench-" + name + "-");
    }

    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    static String seconds(long nanos) {
        return String.format("%.2f s", nanos / 1e9);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
