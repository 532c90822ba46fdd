package com.smartchat.benchmarks;

import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedGroup;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.EmulatorOptions;
import com.smartchat.telegram.emulator.RateLimits;
import com.smartchat.telegram.emulator.SentMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * Outbound pacing: agents' replies through one bot channel while the emulator enforces Telegram's limits
 * ({@link RateLimits#telegram()}): 3 replies to each of 1,000 private chats and 300 to one group. The replies are
 * queued through the API while the channel is stopped (a backlog, as after an outage), then the channel is started;
 * measured from the first reply reaching the emulator to the last, against {@link IdealSchedule}, with the 429
 * answers the emulator gave.
 */
final class PacingBenchmark {

    private PacingBenchmark() {
    }

    static void run(Options options) throws Exception {
        int chats = options.integer("chats", 1000);
        int perChat = options.integer("replies-per-chat", 3);
        int groupReplies = options.integer("group-replies", 300);
        int concurrency = options.integer("post-concurrency", 8);
        HostProcess.Setup setup = HostProcess.Setup.from(options);
        Report report = new Report("Outbound pacing", options);
        long[] ideal = IdealSchedule.finish(chats, perChat, groupReplies);
        Path work = Fixtures.tempDir("pacing");
        try (BotApiEmulator telegram = BotApiEmulator.start(EmulatorOptions.defaults().withRateLimits(RateLimits.telegram()));
             HostProcess host = HostProcess.start(setup, work, telegram.baseUrl(), 0)) {
            host.awaitReady(Duration.ofSeconds(120));
            HostApi api = host.api();
            EmulatedBot bot = Fixtures.bots(telegram, "pacing", 1).getFirst();
            String space = Fixtures.space(api, "Pacing");
            String channel = Fixtures.channels(api, space, List.of(bot), null, 1).getFirst();
            Fixtures.awaitPolling(telegram, List.of(bot), Duration.ofSeconds(30));

            // the audience: private chats and one group, each known to the host through a first message
            Map<String, String> conversationByChat = new HashMap<>();
            List<EmulatedUser> users = new ArrayList<>();
            int events = 0;
            for (int i = 0; i < chats; i++) {
                EmulatedUser user = telegram.createUser("Customer " + i, "customer" + i, "en");
                users.add(user);
                user.send(bot, "hello");
                events++;
                if (users.size() % 400 == 0 || i == chats - 1) {
                    InboundBenchmark.awaitStored(api, telegram, bot, events, Duration.ofSeconds(120));
                    collect(api, channel, conversationByChat);
                }
            }
            EmulatedGroup group = telegram.createGroup("Pacing group", bot, users.getFirst());
            group.send(users.getFirst(), "hello group");
            String groupChat = String.valueOf(group.id());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!conversationByChat.containsKey(groupChat) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                collect(api, channel, conversationByChat);
            }
            if (!conversationByChat.containsKey(groupChat)) {
                throw new IllegalStateException("the host did not store the group's message");
            }

            // the backlog: queued while the channel is stopped
            api.post(channel + "/stop", null, 200);
            Thread.sleep(1000);
            List<String> posts = new ArrayList<>();
            int groupEvery = Math.max(1, chats * perChat / Math.max(1, groupReplies));
            int groupPosted = 0;
            for (int round = 0; round < perChat; round++) {
                for (int i = 0; i < chats; i++) {
                    posts.add(conversationByChat.get(String.valueOf(users.get(i).id())));
                    if (posts.size() % groupEvery == 0 && groupPosted < groupReplies) {
                        posts.add(conversationByChat.get(groupChat));
                        groupPosted++;
                    }
                }
            }
            while (groupPosted++ < groupReplies) {
                posts.add(conversationByChat.get(groupChat));
            }
            long postStart = System.nanoTime();
            post(api, channel, posts, concurrency);
            report.line("queued %,d replies through POST .../messages in %s (channel stopped)", posts.size(),
                    Fixtures.seconds(System.nanoTime() - postStart));

            // the run
            long groupId = group.id();
            AtomicInteger privateSent = new AtomicInteger();
            AtomicInteger groupSent = new AtomicInteger();
            AtomicLong first = new AtomicLong(Long.MAX_VALUE);
            AtomicLong lastPrivate = new AtomicLong();
            AtomicLong lastGroup = new AtomicLong();
            ConcurrentHashMap<Long, AtomicInteger> perChatCount = new ConcurrentHashMap<>();
            Queue<Long> groupTimes = new ConcurrentLinkedQueue<>();
            long tooMany0 = telegram.tooManyRequestsCount();
            long sendRequests0 = telegram.requestCount("sendMessage");
            int total = chats * perChat + groupReplies;
            try (BotApiEmulator.Subscription subscription = telegram.onBotMessage(message -> {
                if (message.action() != SentMessage.Action.SENT || message.botId() != bot.id()) {
                    return;
                }
                long now = System.nanoTime();
                first.accumulateAndGet(now, Math::min);
                perChatCount.computeIfAbsent(message.chatId(), id -> new AtomicInteger()).incrementAndGet();
                if (message.chatId() == groupId) {
                    groupTimes.add(now);
                    groupSent.incrementAndGet();
                    lastGroup.accumulateAndGet(now, Math::max);
                } else {
                    privateSent.incrementAndGet();
                    lastPrivate.accumulateAndGet(now, Math::max);
                }
            })) {
                long started = System.nanoTime();
                api.post(channel + "/start", null, 200);
                long limit = started + Duration.ofMillis(Math.max(ideal[0], ideal[1])).multipliedBy(13).dividedBy(10)
                        .plusSeconds(120).toNanos();
                long nextReport = started + 30_000_000_000L;
                while (privateSent.get() + groupSent.get() < total && System.nanoTime() < limit) {
                    Thread.sleep(100);
                    if (System.nanoTime() > nextReport) {
                        nextReport += 30_000_000_000L;
                        System.err.printf("  ... %d private and %d group replies sent, %d answers 429%n",
                                privateSent.get(), groupSent.get(), telegram.tooManyRequestsCount() - tooMany0);
                    }
                }
                report.line("channel started; first reply reached the emulator %s later",
                        Fixtures.seconds(first.get() - started));
            }
            long tooMany = telegram.tooManyRequestsCount() - tooMany0;
            long requests = telegram.requestCount("sendMessage") - sendRequests0;
            long duplicates = perChatCount.entrySet().stream()
                    .filter(entry -> entry.getKey() != groupId && entry.getValue().get() > perChat).count()
                    + (groupSent.get() > groupReplies ? 1 : 0);
            double privateSeconds = (lastPrivate.get() - first.get()) / 1e9;
            double groupSeconds = (lastGroup.get() - first.get()) / 1e9;
            report.line("");
            report.line("| part | replies | sent | time | ideal | time / ideal |");
            report.line("| --- | ---: | ---: | ---: | ---: | ---: |");
            report.line("| %,d private chats x %d | %,d | %,d | %.1f s | %.1f s | %.3f |", chats, perChat,
                    chats * perChat, privateSent.get(), privateSeconds, ideal[0] / 1000.0, privateSeconds / (ideal[0] / 1000.0));
            report.line("| one group | %,d | %,d | %.1f s | %.1f s | %.3f |", groupReplies, groupSent.get(),
                    groupSeconds, ideal[1] / 1000.0, groupSeconds / (ideal[1] / 1000.0));
            report.line("");
            report.line("429 answers: %d (of %,d sendMessage requests); chats that got more than %d replies: %d; "
                    + "host counted %.0f sent, %.0f rate-limited", tooMany, requests, perChat, duplicates,
                    api.metric("smartchat.outbound", "provider:telegram", "outcome:sent"),
                    orZero(api.metric("smartchat.outbound", "provider:telegram", "outcome:rate_limited")));
            if (options.flag("verbose")) {
                report.line("group sends (s after the first reply): %s", groupTimes.stream()
                        .map(t -> String.format("%.2f", (t - first.get()) / 1e9)).toList());
            }
            report.line("host log %s", host.log());
        } finally {
            if (!options.flag("keep")) {
                Fixtures.delete(work);
            }
        }
        report.end();
    }

    private static double orZero(double value) {
        return Double.isNaN(value) ? 0 : value;
    }

    /** Adds the channel's most recent conversations (the API lists up to 500) by chat id. */
    private static void collect(HostApi api, String channel, Map<String, String> byChat) {
        for (JsonNode conversation : api.get(channel + "/conversations?limit=500")) {
            byChat.put(conversation.get("externalId").asString(), conversation.get("id").asString());
        }
    }

    private static void post(HostApi api, String channel, List<String> conversations, int concurrency)
            throws Exception {
        Semaphore permits = new Semaphore(concurrency);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            int n = 0;
            for (String conversation : conversations) {
                String text = "reply " + (n++);
                permits.acquire();
                done.add(threads.submit(() -> {
                    try {
                        api.post(channel + "/conversations/" + conversation + "/messages", Map.of("text", text), 202);
                    } finally {
                        permits.release();
                    }
                    return null;
                }));
            }
        }
        for (Future<?> future : done) {
            future.get();
        }
    }
}
