package com.smartchat.channel.spi;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the host lends one channel: its settings, where received events go, threads, a clock, metrics and a logger,
 * and a way to tell the admin about problems. Prefer these to creating your own threads: the host shuts them down
 * when the channel stops, and a channel then costs memory, not threads.
 */
public interface ChannelContext {

    /** The host's id of this channel, stable for its life; use it in log lines, not the channel name. */
    String channelId();

    /** The channel's settings, migrated to the provider's current schema version. */
    ChannelSettings settings();

    /** Where received events go: see {@link InboundSink} for when an event may be confirmed to the network. */
    InboundSink inbound();

    /**
     * Runs work on virtual threads; blocking is fine. Tasks still running when the channel stops are interrupted.
     * Do not shut it down: the host does.
     */
    ExecutorService executor();

    /**
     * Runs delayed and periodic work; keep tasks short or hand them to {@link #executor()}. Tasks are cancelled when
     * the channel stops. Do not shut it down: the host does.
     */
    ScheduledExecutorService scheduler();

    /**
     * The address at which the host receives this channel's webhooks and hands them to
     * {@link Channel#handleWebhook(WebhookRequest)}: the host's public base address ({@code smartchat.public-url}, as
     * the operator gave it, without a trailing slash) followed by {@code /hooks/} and an opaque id, such as
     * {@code https://chat.example.com/hooks/Xq3...}. It contains no credential and stays the same for the channel's
     * life. The host does not check its scheme: it is {@code http://} when the operator gave such a base address (a
     * local test, or TLS ended before a proxy the host does not know of); refuse it in {@code start()} when your
     * network needs HTTPS.
     *
     * <p>Empty when the host has no public address. Then a channel that can poll polls; a channel that can only be
     * pushed to throws from {@link Channel#start()} a {@link ChannelException} of kind
     * {@link FailureKind#INVALID_REQUEST} (so that the host waits for an admin rather than retrying), whose fix hint
     * names the setting, such as "Ask the operator to set smartchat.public-url to the host's public HTTPS address".
     *
     * @since 1.1
     */
    default Optional<String> webhookUrl() {
        return Optional.empty();
    }

    /** The time; tests may move it. */
    Clock clock();

    /** Counts and timings, published by the host with the provider as a tag. */
    ChannelMetrics metrics();

    /** A logger whose lines the host tags with this channel. Never log a secret or a URL that contains one. */
    System.Logger logger();

    /**
     * Tells the host the channel's condition changed while running, for example
     * {@code report(ChannelStatus.of(NEEDS_ATTENTION, "Telegram rejected the token", "Paste a new token from
     * BotFather's /token"))}. The host stores it, shows it to the admin and acts on it: a channel reported as
     * {@link ChannelState#NEEDS_ATTENTION} or {@link ChannelState#FAILED} is stopped by the host, and
     * {@link ChannelState#FAILED} ones are restarted later.
     */
    void report(ChannelStatus status);
}
