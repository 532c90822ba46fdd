package com.smartchat.telegram.emulator;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What bots did to messages, per bot and chat, for tests to read and wait for, and for listeners to observe
 * as it happens. Keeps the last {@code capacity} records per chat.
 */
final class SentLog {

    private static final System.Logger LOG = System.getLogger(SentLog.class.getName());

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition recorded = lock.newCondition();
    private final Map<Key, ArrayDeque<SentMessage>> byChat = new HashMap<>();
    private final List<Consumer<SentMessage>> listeners = new CopyOnWriteArrayList<>();

    private record Key(long botId, long chatId) {
    }

    SentLog(int capacity) {
        this.capacity = capacity;
    }

    void record(SentMessage message) {
        lock.lock();
        try {
            ArrayDeque<SentMessage> messages = byChat.computeIfAbsent(new Key(message.botId(), message.chatId()),
                    key -> new ArrayDeque<>());
            messages.addLast(message);
            if (messages.size() > capacity) {
                messages.removeFirst();
            }
            recorded.signalAll();
        } finally {
            lock.unlock();
        }
        for (Consumer<SentMessage> listener : listeners) {
            try {
                listener.accept(message);
            } catch (RuntimeException e) {
                // A broken observer must not break the bot's API call.
                LOG.log(System.Logger.Level.WARNING, "bot message listener failed", e);
            }
        }
    }

    /** Registers a listener; the returned action removes it. */
    Runnable addListener(Consumer<SentMessage> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The records of one bot in the given chats, in order per chat, the chats one after the other. */
    List<SentMessage> of(long botId, long... chatIds) {
        lock.lock();
        try {
            List<SentMessage> result = new ArrayList<>();
            for (long chatId : chatIds) {
                result.addAll(byChat.getOrDefault(new Key(botId, chatId), new ArrayDeque<>()));
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the bot has at least {@code count} records in the chats.
     *
     * @param chatIds the chats, asked again on every change because a group may migrate meanwhile
     * @throws AssertionError after the timeout, listing what there was
     */
    List<SentMessage> await(long botId, Supplier<long[]> chatIds, int count, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                List<SentMessage> messages = of(botId, chatIds.get());
                if (messages.size() >= count) {
                    return messages;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " message(s) from the bot to " + what + " within "
                            + timeout + " but got " + messages.size() + ": " + messages);
                }
                recorded.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for messages to " + what, e);
        } finally {
            lock.unlock();
        }
    }
}
