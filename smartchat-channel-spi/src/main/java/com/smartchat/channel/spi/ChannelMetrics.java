package com.smartchat.channel.spi;

import java.time.Duration;

/**
 * Counters and timers a channel can feed; the host publishes them with its own (names get the prefix
 * {@code smartchat.channel.}, and the provider as a tag). Tags come in name/value pairs; keep their values few (a
 * status code, not a chat id or a channel id: a host runs thousands of channels), and never a secret.
 */
public interface ChannelMetrics {

    /** Adds one to a counter, for example {@code increment("polls", "outcome", "ok")}. */
    void increment(String name, String... tags);

    /** Records how long something took, for example {@code record("poll.latency", elapsed)}. */
    void record(String name, Duration duration, String... tags);
}
