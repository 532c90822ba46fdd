package com.smartchat.telegram.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How an emulator starts; {@link #defaults()} then the {@code with...} methods.
 *
 * @param port the loopback port, 0 for a free one
 * @param rateLimits the flood limits at start (changeable later with {@link BotApiEmulator#rateLimits(RateLimits)})
 * @param webhookRetries how many times a failed webhook delivery is retried before the update is dropped
 * @param webhookRetryDelay the delay before the first retry; it doubles with each further retry
 * @param webhookTimeout how long a webhook may take to answer
 * @param historyLimit how many recent messages (and bot message records) are kept per chat
 */
public record EmulatorOptions(int port, RateLimits rateLimits, int webhookRetries, Duration webhookRetryDelay,
                              Duration webhookTimeout, int historyLimit) {

    /** Validates the values. */
    public EmulatorOptions {
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(webhookRetryDelay, "webhookRetryDelay");
        Objects.requireNonNull(webhookTimeout, "webhookTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (webhookRetries < 0 || historyLimit < 1) {
            throw new IllegalArgumentException("webhookRetries must be >= 0 and historyLimit >= 1");
        }
    }

    /**
     * A free port, Telegram's rate limits, 3 webhook retries starting after 100 ms, a 10 s webhook timeout and
     * 10,000 messages kept per chat.
     *
     * @return the default options
     */
    public static EmulatorOptions defaults() {
        return new EmulatorOptions(0, RateLimits.telegram(), 3, Duration.ofMillis(100), Duration.ofSeconds(10),
                10_000);
    }

    /**
     * These options with another port.
     *
     * @param port the loopback port, 0 for a free one
     * @return the changed options
     */
    public EmulatorOptions withPort(int port) {
        return new EmulatorOptions(port, rateLimits, webhookRetries, webhookRetryDelay, webhookTimeout,
                historyLimit);
    }

    /**
     * These options with other rate limits.
     *
     * @param rateLimits the limits, for example {@link RateLimits#off()}
     * @return the changed options
     */
    public EmulatorOptions withRateLimits(RateLimits rateLimits) {
        return new EmulatorOptions(port, rateLimits, webhookRetries, webhookRetryDelay, webhookTimeout,
                historyLimit);
    }

    /**
     * These options with another webhook retry policy.
     *
     * @param retries retries after the first failed delivery
     * @param firstDelay delay before the first retry, doubling afterwards
     * @return the changed options
     */
    public EmulatorOptions withWebhookRetries(int retries, Duration firstDelay) {
        return new EmulatorOptions(port, rateLimits, retries, firstDelay, webhookTimeout, historyLimit);
    }

    /**
     * These options with another webhook timeout.
     *
     * @param timeout how long a webhook may take to answer
     * @return the changed options
     */
    public EmulatorOptions withWebhookTimeout(Duration timeout) {
        return new EmulatorOptions(port, rateLimits, webhookRetries, webhookRetryDelay, timeout, historyLimit);
    }

    /**
     * These options with another history size.
     *
     * @param messagesPerChat how many recent messages are kept per chat
     * @return the changed options
     */
    public EmulatorOptions withHistoryLimit(int messagesPerChat) {
        return new EmulatorOptions(port, rateLimits, webhookRetries, webhookRetryDelay, webhookTimeout,
                messagesPerChat);
    }
}
