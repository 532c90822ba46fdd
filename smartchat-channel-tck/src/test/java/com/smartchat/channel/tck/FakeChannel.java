package com.smartchat.channel.tck;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.SendReceipt;
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.spi.WebhookResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

/** The channel of {@link FakeProvider}: obeys every rule; a test overrides a method to break one. */
class FakeChannel implements Channel {

    final ChannelContext context;
    /** This channel's account at Fake: what its users send it. */
    final FakeNetwork network = new FakeNetwork();
    volatile ChannelState state = ChannelState.CREATED;
    private Future<?> poller;

    FakeChannel(ChannelContext context) {
        this.context = context;
    }

    @Override
    public void start() throws ChannelException {
        if (poller != null) {
            return;
        }
        if (!credentialAccepted()) {
            state = ChannelState.NEEDS_ATTENTION;
            throw new ChannelException(FailureKind.UNAUTHORIZED, "Fake rejected the token.",
                    "Paste a new token from Fake.", null, null);
        }
        poller = context.executor().submit(this::receive);
        state = ChannelState.RUNNING;
    }

    @Override
    public void stop() {
        if (poller != null) {
            poller.cancel(true);
            poller = null;
        }
        state = ChannelState.STOPPED;
    }

    @Override
    public CompletionStage<SendReceipt> send(OutboundMessage message) {
        if (state != ChannelState.RUNNING) {
            return CompletableFuture.failedFuture(new ChannelException(FailureKind.TRANSIENT, "Not running."));
        }
        return CompletableFuture.completedFuture(new SendReceipt(List.of("1"), context.clock().instant()));
    }

    @Override
    public ChannelStatus status() {
        return ChannelStatus.of(state, null, null);
    }

    /** Long-polls the network until stop() interrupts; a failed delivery is polled and delivered again. */
    private void receive() {
        try {
            while (true) {
                try {
                    store(network.poll());
                } catch (DeliveryException e) {
                    Thread.sleep(10);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Delivers what one poll brought, in a batch, and confirms it once stored. */
    void store(List<InboundEvent> events) throws DeliveryException, InterruptedException {
        context.inbound().deliver(events);
        network.confirm(events);
    }

    /** Takes what Fake pushes: verified, then delivered, then answered. */
    @Override
    public WebhookResponse handleWebhook(WebhookRequest request) {
        if (!authentic(request)) {
            return WebhookResponse.of(401, "");
        }
        try {
            context.inbound().deliver(pushed(request));
        } catch (DeliveryException e) {
            return WebhookResponse.of(503, "Not stored").withHeader("Retry-After", "1");
        }
        return WebhookResponse.ok();
    }

    /** Whether Fake sent the request: its signature header is the token. */
    boolean authentic(WebhookRequest request) {
        return request.header(FakeNetwork.SIGNATURE)
                .map(signature -> MessageDigest.isEqual(signature.getBytes(StandardCharsets.UTF_8),
                        token().getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }

    /** The event a pushed request carries: its body is {@code <id>:<text>}. */
    InboundEvent pushed(WebhookRequest request) {
        String body = new String(request.body(), StandardCharsets.UTF_8);
        int colon = body.indexOf(':');
        return FakeNetwork.message(body.substring(0, colon), body.substring(colon + 1));
    }

    /** Whether Fake accepts the settings' token. */
    boolean credentialAccepted() {
        return FakeProvider.VALID_TOKEN.equals(token());
    }

    /** The token's value, for tests that leak it on purpose. */
    String token() {
        return context.settings().secret("token").map(Secret::reveal).orElse("");
    }
}
