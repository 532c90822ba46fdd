package com.smartchat.telegram.emulator;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The flood control of one bot: a token bucket per chat, a sliding window per group and one for the whole bot.
 * A refused message consumes nothing, so a client that waits {@code retry_after} gets through.
 * One instance per bot keeps the lock uncontended across bots.
 */
final class RateLimiter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final ArrayDeque<Long> botSends = new ArrayDeque<>();
    private final Map<Long, Bucket> chatBuckets = new HashMap<>();
    private final Map<Long, ArrayDeque<Long>> groupSends = new HashMap<>();
    private long lastSetWebhook;
    private boolean webhookSetBefore;

    /**
     * Admits one message to a chat or throws 429 with the seconds until it would be admitted.
     *
     * @param limits the limits in force
     * @param chatId the target chat
     * @param group whether the chat is a group or supergroup (which adds the group window)
     * @param now {@link System#nanoTime()}
     */
    synchronized void admitMessage(RateLimits limits, long chatId, boolean group, long now) throws BotApiException {
        if (!limits.enabled()) {
            return;
        }
        long botWindow = limits.botWindow().toNanos();
        long wait = windowWait(botSends, limits.botMessages(), botWindow, now);

        long interval = limits.chatInterval().toNanos();
        Bucket bucket = chatBuckets.computeIfAbsent(chatId, id -> new Bucket(limits.chatBurst(), now));
        bucket.refill(limits.chatBurst(), interval, now);
        if (bucket.tokens < 1) {
            wait = Math.max(wait, (long) Math.ceil((1 - bucket.tokens) * interval));
        }

        ArrayDeque<Long> groupWindowSends = null;
        long groupWindow = limits.groupWindow().toNanos();
        if (group) {
            groupWindowSends = groupSends.computeIfAbsent(chatId, id -> new ArrayDeque<>());
            wait = Math.max(wait, windowWait(groupWindowSends, limits.groupMessages(), groupWindow, now));
        }

        if (wait > 0) {
            throw BotApiException.tooManyRequests(wholeSeconds(wait));
        }
        botSends.addLast(now);
        bucket.tokens -= 1;
        if (groupWindowSends != null) {
            groupWindowSends.addLast(now);
        }
    }

    /** Admits a {@code setWebhook} that sets a URL, or throws 429: Telegram allows one per second. */
    synchronized void admitSetWebhook(RateLimits limits, long now) throws BotApiException {
        long interval = limits.setWebhookInterval().toNanos();
        if (limits.enabled() && webhookSetBefore && now - lastSetWebhook < interval) {
            throw BotApiException.tooManyRequests(wholeSeconds(lastSetWebhook + interval - now));
        }
        webhookSetBefore = true;
        lastSetWebhook = now;
    }

    /** Nanoseconds until a window holding {@code sends} admits one more message; 0 when it does now. */
    private static long windowWait(ArrayDeque<Long> sends, int limit, long window, long now) {
        while (!sends.isEmpty() && now - sends.peekFirst() >= window) {
            sends.pollFirst();
        }
        int excess = sends.size() - limit;
        if (excess < 0) {
            return 0;
        }
        // The send that must leave the window is the one `excess` places after the oldest (limits may have shrunk).
        Iterator<Long> oldestFirst = sends.iterator();
        long blocking = oldestFirst.next();
        for (int i = 0; i < excess; i++) {
            blocking = oldestFirst.next();
        }
        return blocking + window - now;
    }

    /** Telegram's retry_after is whole seconds, at least 1, rounded up so that waiting it always suffices. */
    private static int wholeSeconds(long nanos) {
        return (int) Math.max(1, (nanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
    }

    /** Token bucket of one chat. */
    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.updated = now;
        }

        void refill(int burst, long interval, long now) {
            tokens = Math.min(burst, tokens + (double) (now - updated) / interval);
            updated = now;
        }
    }
}
