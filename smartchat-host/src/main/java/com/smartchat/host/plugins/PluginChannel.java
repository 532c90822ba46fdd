package com.smartchat.host.plugins;

import com.smartchat.channel.spi.AttachmentContent;
import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.SendReceipt;
import com.smartchat.channel.spi.SpiVersion;
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.spi.WebhookResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A plugin's channel as the host may call it: the only way to it, so that no plugin code runs unguarded. Every call
 * runs with the plugin's class loader as context class loader and turns whatever the plugin throws into a
 * {@link PluginCallException} (or, for a send, a failed future).
 *
 * <p>The calls of the message path ({@link #send}, {@link #handleWebhook}) run on the caller's thread: the SPI asks
 * them not to block, and a send is bounded by a timeout on its own future. The lifecycle calls, which may block on
 * the network and which a hung plugin must not be allowed to hold up, run under a timeout on a thread of their own.
 */
public final class PluginChannel {

    private final Channel channel;
    private final String pluginId;
    private final ClassLoader classLoader;
    private final SpiVersion builtFor;

    PluginChannel(Channel channel, String pluginId, ClassLoader classLoader, SpiVersion builtFor) {
        this.channel = channel;
        this.pluginId = pluginId;
        this.classLoader = classLoader;
        this.builtFor = builtFor;
    }

    /**
     * @param what for messages and the log, such as {@code start channel 42}
     * @throws PluginCallException when the channel could not start (its {@link ChannelException} as cause), or did
     *                             not finish starting within the timeout
     */
    public void start(String what, Duration timeout) throws PluginCallException {
        PluginCalls.call(pluginId, classLoader, what, timeout, () -> {
            channel.start();
            return null;
        });
    }

    /** @throws PluginCallException when the channel failed to stop, or did not stop within the timeout */
    public void stop(String what, Duration timeout) throws PluginCallException {
        PluginCalls.call(pluginId, classLoader, what, timeout, () -> {
            channel.stop();
            return null;
        });
    }

    /** What the channel says of itself. */
    public ChannelStatus status(String what, Duration timeout) throws PluginCallException {
        return PluginCalls.call(pluginId, classLoader, what, timeout, channel::status);
    }

    /**
     * Asks the channel to send, on this thread, and bounds the answer by {@code timeout}. The future fails with the
     * channel's {@link ChannelException}; with a {@link java.util.concurrent.TimeoutException} when no answer came in
     * time (the send may or may not have been carried out); and with a {@link ChannelException} of kind
     * {@link FailureKind#TRANSIENT} when the plugin threw instead of answering (it had not sent).
     */
    public CompletableFuture<SendReceipt> send(OutboundMessage message, Duration timeout) {
        CompletionStage<SendReceipt> sending;
        try {
            sending = PluginCalls.inPlugin(classLoader, () -> channel.send(message));
        } catch (PluginCallException e) {
            return CompletableFuture.failedFuture(
                    new ChannelException(FailureKind.TRANSIENT, e.getMessage(), null, null, e.getCause()));
        }
        if (sending == null) {
            return CompletableFuture.failedFuture(new ChannelException(FailureKind.TRANSIENT,
                    "The channel answered a send with nothing (null)", null, null, null));
        }
        // a future of the host's: the timeout must not complete the plugin's own, which it may still complete itself
        CompletableFuture<SendReceipt> answer = new CompletableFuture<>();
        sending.whenComplete((receipt, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure instanceof CompletionException wrapped && wrapped.getCause() != null
                        ? wrapped.getCause() : failure);
            } else {
                answer.complete(receipt);
            }
        });
        return answer.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Whether the channel takes webhook requests without being started (SPI 1.3); {@code false} when it says so,
     * and when it fails to say.
     */
    public boolean receivesWebhooksUnstarted() {
        try {
            return PluginCalls.inPlugin(classLoader, channel::receivesWebhooksUnstarted);
        } catch (PluginCallException e) {
            return false;
        }
    }

    /**
     * Whether the channel may be handed webhook {@code GET} requests: only a plugin built against SPI 1.4 or later
     * knows a request's method, and an older one would take a {@code GET} for a {@code POST} without a body.
     */
    public boolean takesWebhookGets() {
        return builtFor.major() > 1 || builtFor.minor() >= 4;
    }

    /**
     * A file's content, fetched through the channel and read whole (SPI 1.4).
     *
     * @param mediaType the media type the channel gave
     * @param fileName the name the channel gave, or {@code null}
     */
    public record FetchedFile(byte[] bytes, String mediaType, String fileName) {
    }

    /**
     * Asks the channel for a file's content and reads it, all within {@code timeout}, on a thread of its own: the
     * stream is the plugin's code too. At most {@code maxBytes} are read.
     *
     * @throws PluginCallException with the channel's {@link ChannelException} as cause (a file over
     *                             {@code maxBytes} is {@link FailureKind#TOO_LARGE}, also when the channel did not
     *                             notice), or after the timeout
     */
    public FetchedFile fetchAttachment(String reference, long maxBytes, String what, Duration timeout)
            throws PluginCallException {
        return PluginCalls.call(pluginId, classLoader, what, timeout, () -> {
            try (AttachmentContent content = channel.fetchAttachment(reference, maxBytes)) {
                if (content == null) {
                    throw new IllegalStateException("The channel answered a fetch with nothing (null)");
                }
                byte[] bytes = content.length() > maxBytes ? null
                        : content.stream().readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
                if (bytes == null || bytes.length > maxBytes) {
                    throw new ChannelException(FailureKind.TOO_LARGE, "The file is larger than " + maxBytes
                            + " bytes, the most the host fetches.");
                }
                return new FetchedFile(bytes, content.mediaType(), content.fileName());
            }
        });
    }

    /** @throws PluginCallException when the channel threw instead of answering */
    public WebhookResponse handleWebhook(WebhookRequest request) throws PluginCallException {
        return PluginCalls.inPlugin(classLoader, () -> channel.handleWebhook(request));
    }
}
