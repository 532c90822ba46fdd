package com.smartchat.channel.spi;

import java.util.concurrent.CompletionStage;

/**
 * One configured, running connection to a network, such as one Telegram bot. Created by
 * {@link ChannelProvider#open(ChannelContext)}; the host calls {@link #start()}, then {@link #send} and
 * {@link #status()} while it runs, and {@link #stop()} at the end.
 *
 * <p>Received messages go to {@link ChannelContext#inbound()}; problems found while running go to
 * {@link ChannelContext#report(ChannelStatus)}. The host calls {@code start} and {@code stop} from one thread at a
 * time, {@code send} and {@code status} from any thread.
 */
public interface Channel {

    /**
     * Connects and begins receiving. Return once receiving has begun (a poller started, a webhook registered): do
     * not block for the life of the channel, use {@link ChannelContext#executor()} for that.
     *
     * @throws ChannelException when the channel cannot run; {@link FailureKind#UNAUTHORIZED},
     *         {@link FailureKind#CONFLICT} and {@link FailureKind#INVALID_REQUEST} (a setting that cannot work, such
     *         as a wrong server address) make the host wait for the admin, other kinds make it retry later
     */
    void start() throws ChannelException;

    /**
     * Stops receiving and releases everything the channel created: threads, connections, timers. Idempotent; safe
     * after a failed or missing {@code start}; returns within a few seconds (the host abandons it after its
     * timeout and reports the channel as leaking).
     */
    void stop();

    /**
     * Sends one message. The host's dispatcher already honours {@link ChannelProvider#rateLimits()}, so send at
     * once, without retrying: the host decides retries from the failure's {@link FailureKind}.
     *
     * @return a stage completed with the receipt, or exceptionally with a {@link ChannelException}
     */
    CompletionStage<SendReceipt> send(OutboundMessage message);

    /**
     * The channel's condition now, cheaply: the host calls it for health checks. Never {@code null}, never throws;
     * before {@link #start()} and after {@link #stop()} the state is neither {@link ChannelState#RUNNING} nor
     * {@link ChannelState#DEGRADED} ({@link ChannelState#STOPPED} after a stop).
     */
    ChannelStatus status();

    /**
     * Handles a request the network sent to this channel's webhook address, {@link ChannelContext#webhookUrl()}:
     * verify it comes from the network, deliver its events to {@link ChannelContext#inbound()}, then answer. The
     * host calls it from many threads at once, only while the channel runs. The default answers 404: the channel
     * does not receive webhooks.
     *
     * @since 1.1
     */
    default WebhookResponse handleWebhook(WebhookRequest request) {
        return WebhookResponse.of(404, "");
    }

    /**
     * Applies new settings, for example a replaced token, without a restart when the channel can. The default
     * returns {@code false}: the host then stops this channel and opens a new one with the new settings.
     *
     * @return whether the settings were applied in place
     */
    default boolean reconfigure(ChannelSettings settings) {
        return false;
    }
}
