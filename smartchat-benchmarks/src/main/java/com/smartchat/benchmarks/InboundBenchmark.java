package com.smartchat.benchmarks;

import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.EmulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;

/**
 * Inbound (issue 4's note): users write to one bot; the host stores every message. Measured from the user's message
 * entering the emulator (wall clock, just before {@code user.send}) to the message stored by the host (its
 * {@code createdAt}, stamped inside the storing transaction, read back through the API after the run); both clocks
 * are this machine's. Two runs of 1,000 messages from 100 users: a burst (all handed to the emulator at once:
 * throughput, and latency including the wait in line) and a paced run (latency at a steady rate).
 */
final class InboundBenchmark {

    private InboundBenchmark() {
    }

    static void run(Options options) throws Exception {
        int userCount = options.integer("users", 100);
        int messages = options.integer("messages", 1000);
        int rate = options.integer("rate", 200);
        HostProcess.Setup setup = HostProcess.Setup.from(options);
        Report report = new Report("Inbound", options);
        Path work = Fixtures.tempDir("inbound");
        try (BotApiEmulator telegram = BotApiEmulator.start(EmulatorOptions.defaults());
             HostProcess host = HostProcess.start(setup, work, telegram.baseUrl(), 0)) {
            host.awaitReady(Duration.ofSeconds(120));
            HostApi api = host.api();
            EmulatedBot bot = Fixtures.bots(telegram, "inbound", 1).getFirst();
            String space = Fixtures.space(api, "Inbound");
            String channel = Fixtures.channels(api, space, List.of(bot), null, 1).getFirst();
            Fixtures.awaitPolling(telegram, List.of(bot), Duration.ofSeconds(30));
            List<EmulatedUser> users = new ArrayList<>();
            for (int i = 0; i < userCount; i++) {
                users.add(telegram.createUser("Reader " + i, "reader" + i, "en"));
            }
            report.line("| run | messages | stored | msg/s | p50 ms | p90 ms | p99 ms | max ms |");
            report.line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            int stored = 0;
            for (String run : List.of("burst", "paced")) {
                Map<String, Instant> sent = new HashMap<>();
                long period = run.equals("burst") ? 0 : 1_000_000_000L / rate;
                long start = System.nanoTime();
                for (int i = 0; i < messages; i++) {
                    long due = start + i * period;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    String text = run + " " + i;
                    sent.put(text, Instant.now());
                    users.get(i % userCount).send(bot, text);
                }
                stored += messages;
                long handed = System.nanoTime();
                awaitStored(api, telegram, bot, stored, Duration.ofSeconds(120));
                long storedAll = System.nanoTime();
                Stats stats = new Stats();
                Instant first = sent.values().stream().min(Instant::compareTo).orElseThrow();
                Instant last = first;
                for (JsonNode conversation : api.get(channel + "/conversations?limit=500")) {
                    for (JsonNode message : api.get(channel + "/conversations/" + conversation.get("id").asString()
                            + "/messages?limit=1000")) {
                        Instant at = sent.get(message.path("text").asString(""));
                        if (at != null && message.get("direction").asString().equals("IN")) {
                            Instant createdAt = OffsetDateTime.parse(message.get("createdAt").asString()).toInstant();
                            stats.add(Duration.between(at, createdAt).toNanos());
                            last = createdAt.isAfter(last) ? createdAt : last;
                        }
                    }
                }
                Stats.Summary latency = stats.summary();
                System.err.printf("%s: handed over in %s, stored after %s, read back in %s%n", run,
                        Fixtures.seconds(handed - start), Fixtures.seconds(storedAll - start),
                        Fixtures.seconds(System.nanoTime() - storedAll));
                double perSecond = latency.count() / (Duration.between(first, last).toNanos() / 1e9);
                String name = run.equals("burst") ? "burst (all at once)" : "paced at " + rate + "/s";
                report.line("| %s | %d | %d | %.0f | %.1f | %.1f | %.1f | %.1f |", name, messages, latency.count(),
                        perSecond, latency.p50(), latency.p90(), latency.p99(), latency.max());
            }
            report.line("");
            report.line("%d users, one bot channel, no greeting; host log %s", userCount, host.log());
        } finally {
            if (!options.flag("keep")) {
                Fixtures.delete(work);
            }
        }
        report.end();
    }

    /**
     * Waits until the bot has no unconfirmed update left in the emulator (the plugin confirms an update only after
     * the host stored it), then checks the host's count of stored events. Asked of the emulator, in this JVM: each
     * authenticated request to the host costs it a bcrypt check, which would disturb what is measured.
     */
    static void awaitStored(HostApi api, BotApiEmulator telegram, EmulatedBot bot, int expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && telegram.pendingUpdateCount(bot) > 0) {
            Thread.sleep(5);
        }
        double stored = 0;
        while (System.nanoTime() < deadline) {
            stored = api.metric("smartchat.inbound", "outcome:stored");
            if (stored >= expected) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("only " + stored + " of " + expected + " events stored after " + timeout);
    }
}
