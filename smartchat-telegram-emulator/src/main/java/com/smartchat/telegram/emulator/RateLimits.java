package com.smartchat.telegram.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * The flood limits the emulator enforces on messages a bot sends (the {@code send*} methods), answered with
 * 429 {@code Too Many Requests: retry after N} and {@code parameters.retry_after} like Telegram.
 *
 * <p>Telegram publishes only rough numbers: about one message per second per chat (short bursts are tolerated),
 * 20 messages per minute per group, about 30 messages per second per bot overall, and at most one
 * {@code setWebhook} per second. {@link #telegram()} uses exactly those, with a burst of 3 per chat.
 * Tests use the {@code with...} methods to shrink the windows so that waiting {@code retry_after} stays cheap.
 *
 * @param enabled whether any limit is enforced; {@link #off()} disables all of them
 * @param chatBurst messages a chat accepts at once before the per-chat pace applies
 * @param chatInterval pace per chat after the burst: one message per this interval
 * @param groupMessages messages a group or supergroup accepts per {@code groupWindow}
 * @param groupWindow the sliding window of the group limit
 * @param botMessages messages one bot may send per {@code botWindow}, all chats together
 * @param botWindow the sliding window of the per-bot limit
 * @param setWebhookInterval minimum time between two {@code setWebhook} calls that set a URL
 */
public record RateLimits(boolean enabled, int chatBurst, Duration chatInterval, int groupMessages,
                         Duration groupWindow, int botMessages, Duration botWindow, Duration setWebhookInterval) {

    /** Validates the values: counts at least 1 and positive durations. */
    public RateLimits {
        Objects.requireNonNull(chatInterval, "chatInterval");
        Objects.requireNonNull(groupWindow, "groupWindow");
        Objects.requireNonNull(botWindow, "botWindow");
        Objects.requireNonNull(setWebhookInterval, "setWebhookInterval");
        if (chatBurst < 1 || groupMessages < 1 || botMessages < 1) {
            throw new IllegalArgumentException("message counts must be at least 1");
        }
        if (chatInterval.isNegative() || chatInterval.isZero() || groupWindow.isNegative() || groupWindow.isZero()
                || botWindow.isNegative() || botWindow.isZero() || setWebhookInterval.isNegative()) {
            throw new IllegalArgumentException("intervals and windows must be positive");
        }
    }

    /**
     * Telegram's published limits: burst of 3 then 1 message per second per chat, 20 per minute per group,
     * 30 per second per bot, one {@code setWebhook} per second.
     *
     * @return the limits of the real service
     */
    public static RateLimits telegram() {
        return new RateLimits(true, 3, Duration.ofSeconds(1), 20, Duration.ofMinutes(1), 30, Duration.ofSeconds(1),
                Duration.ofSeconds(1));
    }

    /**
     * No limit at all, for raw throughput benchmarks.
     *
     * @return disabled limits
     */
    public static RateLimits off() {
        return new RateLimits(false, 1, Duration.ofSeconds(1), 1, Duration.ofSeconds(1), 1, Duration.ofSeconds(1),
                Duration.ZERO);
    }

    /**
     * The same limits with another per-chat pace.
     *
     * @param burst messages a chat accepts at once
     * @param interval one further message per this interval
     * @return the changed limits
     */
    public RateLimits withChat(int burst, Duration interval) {
        return new RateLimits(enabled, burst, interval, groupMessages, groupWindow, botMessages, botWindow,
                setWebhookInterval);
    }

    /**
     * The same limits with another per-group window.
     *
     * @param messages messages a group accepts per window
     * @param window the sliding window
     * @return the changed limits
     */
    public RateLimits withGroup(int messages, Duration window) {
        return new RateLimits(enabled, chatBurst, chatInterval, messages, window, botMessages, botWindow,
                setWebhookInterval);
    }

    /**
     * The same limits with another per-bot window.
     *
     * @param messages messages a bot may send per window, all chats together
     * @param window the sliding window
     * @return the changed limits
     */
    public RateLimits withBot(int messages, Duration window) {
        return new RateLimits(enabled, chatBurst, chatInterval, groupMessages, groupWindow, messages, window,
                setWebhookInterval);
    }

    /**
     * The same limits with another minimum time between two {@code setWebhook} calls.
     *
     * @param interval the minimum time; zero disables this limit
     * @return the changed limits
     */
    public RateLimits withSetWebhookInterval(Duration interval) {
        return new RateLimits(enabled, chatBurst, chatInterval, groupMessages, groupWindow, botMessages, botWindow,
                interval);
    }
}
