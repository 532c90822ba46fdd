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
     * verify it comes from the network (refuse it with 401 or 403 otherwise, storing nothing), deliver its events to
     * {@link ChannelContext#inbound()}, then answer 200. When {@code deliver} throws, answer a status that makes the
     * network send the request again (503, unless the network documents another) and store nothing more of it: the
     * network's resending is the retry, and a resent event is the same event, which the host drops. Answer quickly,
     * without waiting on the network. A {@code GET} (SPI 1.4) is a network checking the address: answer it as the
     * network asks, once it proves to come from the network. See the package documentation for a walkthrough.
     *
     * <p>The host calls it from many threads at once, while the channel runs, or, when the channel
     * {@linkplain #receivesWebhooksUnstarted() says it can}, on a channel opened only for this. The default answers
     * 404: the channel does not receive webhooks.
     *
     * @since 1.1
     */
    default WebhookResponse handleWebhook(WebhookRequest request) {
        return WebhookResponse.of(404, "");
    }

    /**
     * Whether {@link #handleWebhook} works on a channel that was opened and never started. When several hosts share
     * the work, one of them runs a channel (polls, sends, keeps its webhook registered), while the network's webhook
     * requests reach whichever host a load balancer picks. A host that does not run the channel then opens it
     * without starting it and hands it those requests: such a channel verifies and delivers them as a running one
     * does, may ask the network what it needs for that (who the bot is), and does nothing else: no receiving of its
     * own, no registration, no status reports. The host calls {@link #stop()} when it no longer needs it. The
     * default is {@code false}: the host answers those requests 503, and the network sends them again, in time to
     * the host that runs the channel.
     *
     * @since 1.3
     */
    default boolean receivesWebhooksUnstarted() {
        return false;
    }

    /**
     * Fetches the content of a file that arrived in a message, for the host to show it to agents: the host calls
     * it with an {@link Attachment#reference()} that this channel delivered, and streams the answer to the browser,
     * so that no network address (which may contain a credential, as Telegram's file URLs do) ever leaves the
     * channel. The host caches what it fetched.
     *
     * <p>Return once the network has answered and the bytes can be read; the host reads the stream (under its own
     * timeout) and closes it. Give the length when the network states it, and the media type when known. Refuse a
     * file larger than {@code maxBytes} before reading it where the network tells its size first, and stop reading
     * where it does not: the host stops reading after {@code maxBytes} anyway.
     *
     * <p>The host may call it from any thread, on a running channel and on one opened and never started (when
     * another host runs it): it must work in both, without receiving anything.
     *
     * <p>The default throws a {@link ChannelException} of kind {@link FailureKind#NOT_SUPPORTED}: the host then
     * shows what it knows of the attachment (its kind, name and caption) and no content.
     *
     * @param reference the attachment's {@link Attachment#reference()}, as this channel delivered it
     * @param maxBytes the most bytes the host accepts
     * @return the file's bytes and facts
     * @throws ChannelException {@link FailureKind#TOO_LARGE} for a file over {@code maxBytes} or over what the network
     *         lets be downloaded; {@link FailureKind#INVALID_REQUEST} for a reference the network does not know;
     *         {@link FailureKind#NOT_SUPPORTED} when the channel cannot fetch files; the kinds of
     *         {@link #send} for other failures
     * @since 1.4
     */
    default AttachmentContent fetchAttachment(String reference, long maxBytes) throws ChannelException {
        throw new ChannelException(FailureKind.NOT_SUPPORTED, "This channel cannot fetch the content of files.");
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
