package com.smartchat.benchmarks;

import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.SentMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Users write to bots and something answers each message once: measured from the moment the user's message enters
 * the emulator ({@code user.send}) to the moment the answer reaches it ({@code onBotMessage}, on the request's
 * thread), both on this JVM's {@link System#nanoTime()}. Every message comes from a user who never wrote to that bot
 * before, so a greeting (sent on first contact) answers exactly one message.
 */
final class ReplyWorkload implements AutoCloseable {

    private record Key(long botId, long chatId) {
    }

    private final BotApiEmulator telegram;
    private final List<EmulatedBot> bots;
    private final ConcurrentHashMap<Key, Long> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicLong lastAnswer = new AtomicLong();
    private final AtomicInteger unexpected = new AtomicInteger();
    private final BotApiEmulator.Subscription subscription;
    private volatile Stats stats = new Stats();
    private int users;

    ReplyWorkload(BotApiEmulator telegram, List<EmulatedBot> bots) {
        this.telegram = telegram;
        this.bots = bots;
        java.util.Set<Long> ours = new java.util.HashSet<>();
        bots.forEach(bot -> ours.add(bot.id()));
        this.subscription = telegram.onBotMessage(message -> {
            long now = System.nanoTime();
            if (message.action() != SentMessage.Action.SENT || !ours.contains(message.botId())) {
                return;
            }
            Long sent = waiting.remove(new Key(message.botId(), message.chatId()));
            if (sent == null) {
                if (unexpected.incrementAndGet() <= 3) {
                    System.err.println("unexpected answer: " + message);
                }
                return;
            }
            stats.add(now - sent);
            answered.incrementAndGet();
            lastAnswer.accumulateAndGet(now, Math::max);
        });
    }

    /**
     * The figures of one run.
     *
     * @param perSecond answers per second from the first message to the last answer
     * @param offeredPerSecond messages per second the users actually sent
     */
    record Result(String name, int messages, int answered, long elapsedNanos, double perSecond,
                  double offeredPerSecond, Stats.Summary latency) {
    }

    /** Fresh users, one per message, created before the clock runs. */
    private List<EmulatedUser> users(int count) {
        List<EmulatedUser> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(telegram.createUser("User " + (users++)));
        }
        return list;
    }

    /** All messages at once (as fast as one thread can hand them to the emulator): how fast are they answered? */
    Result burst(String name, int messages, Duration timeout) throws InterruptedException {
        List<EmulatedUser> senders = users(messages);
        reset();
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            send(senders.get(i), bots.get(i % bots.size()));
        }
        long sentAll = System.nanoTime();
        awaitAnswers(messages, timeout);
        long elapsed = lastAnswer.get() - start;
        return new Result(name, messages, answered.get(), elapsed, answered.get() / (elapsed / 1e9),
                messages / Math.max(1e-9, (sentAll - start) / 1e9), stats.summary());
    }

    /** Messages at a steady rate, spread over the bots in turn: latency under a given load. */
    Result paced(String name, int perSecond, Duration duration, Duration drain) throws InterruptedException {
        int messages = (int) (perSecond * duration.toMillis() / 1000);
        List<EmulatedUser> senders = users(messages);
        reset();
        long period = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            long due = start + i * period;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            send(senders.get(i), bots.get(i % bots.size()));
        }
        long sentAll = System.nanoTime();
        awaitAnswers(messages, drain);
        long elapsed = Math.max(lastAnswer.get(), sentAll) - start;
        return new Result(name, messages, answered.get(), elapsed, answered.get() / (elapsed / 1e9),
                messages / ((sentAll - start) / 1e9), stats.summary());
    }

    private void send(EmulatedUser user, EmulatedBot bot) {
        waiting.put(new Key(bot.id(), user.id()), System.nanoTime());
        user.send(bot, "hello from " + user.firstName());
    }

    private void reset() {
        waiting.clear();
        answered.set(0);
        lastAnswer.set(0);
        stats = new Stats();
    }

    private void awaitAnswers(int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (answered.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    int unexpected() {
        return unexpected.get();
    }

    @Override
    public void close() {
        subscription.close();
    }
}
