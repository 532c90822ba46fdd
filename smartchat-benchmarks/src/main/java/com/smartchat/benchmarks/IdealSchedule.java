package com.smartchat.benchmarks;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The earliest moment each message could go, for a sender that knows the emulator's limits exactly
 * ({@code RateLimits.telegram()}: a token bucket per chat of 3 refilled at 1 per second, at most 20 messages in any
 * minute per group, at most 30 in any second per bot) and has every message ready at time zero. Greedy, millisecond
 * steps: group messages first (they are the long pole), then private ones. This is the "ideal the limits allow".
 */
final class IdealSchedule {

    private IdealSchedule() {
    }

    /**
     * @param privateMessagesPerChat how many messages each private chat gets
     * @param groupMessages how many messages the one group gets
     * @return the time in milliseconds of the last private message and of the last group message
     */
    static long[] finish(int privateChats, int privateMessagesPerChat, int groupMessages) {
        int chatBurst = 3;
        long chatInterval = 1000;
        int groupLimit = 20;
        long groupWindow = 60_000;
        int botLimit = 30;
        long botWindow = 1000;
        ArrayDeque<Long> bot = new ArrayDeque<>();
        ArrayDeque<Long> group = new ArrayDeque<>();
        Map<Integer, double[]> buckets = new HashMap<>(); // chat -> {tokens, updated}
        int[] left = new int[privateChats];
        java.util.Arrays.fill(left, privateMessagesPerChat);
        int privateLeft = privateChats * privateMessagesPerChat;
        int groupLeft = groupMessages;
        long lastPrivate = 0;
        long lastGroup = 0;
        int cursor = 0;
        for (long now = 0; privateLeft > 0 || groupLeft > 0; now++) {
            while (!bot.isEmpty() && now - bot.peekFirst() >= botWindow) {
                bot.pollFirst();
            }
            while (!group.isEmpty() && now - group.peekFirst() >= groupWindow) {
                group.pollFirst();
            }
            if (groupLeft > 0 && bot.size() < botLimit && group.size() < groupLimit
                    && take(buckets, -1, now, chatBurst, chatInterval)) {
                bot.addLast(now);
                group.addLast(now);
                groupLeft--;
                lastGroup = now;
            }
            int tried = 0;
            while (privateLeft > 0 && bot.size() < botLimit && tried < privateChats) {
                int chat = cursor;
                cursor = (cursor + 1) % privateChats;
                tried++;
                if (left[chat] > 0 && take(buckets, chat, now, chatBurst, chatInterval)) {
                    left[chat]--;
                    privateLeft--;
                    bot.addLast(now);
                    lastPrivate = now;
                    tried = 0;
                }
            }
        }
        return new long[] {lastPrivate, lastGroup};
    }

    private static boolean take(Map<Integer, double[]> buckets, int chat, long now, int burst, long interval) {
        double[] bucket = buckets.computeIfAbsent(chat, c -> new double[] {burst, now});
        bucket[0] = Math.min(burst, bucket[0] + (now - bucket[1]) / (double) interval);
        bucket[1] = now;
        if (bucket[0] < 1) {
            return false;
        }
        bucket[0] -= 1;
        return true;
    }
}
