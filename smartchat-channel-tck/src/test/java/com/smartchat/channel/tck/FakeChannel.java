package com.smartchat.channel.tck;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.SendReceipt;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

/** The channel of {@link FakeProvider}: obeys every rule; a test overrides a method to break one. */
class FakeChannel implements Channel {

    final ChannelContext context;
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
        poller = context.executor().submit(() -> {
            try {
                Thread.sleep(Long.MAX_VALUE); // stands for a long poll
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
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

    /** Whether Fake accepts the settings' token. */
    boolean credentialAccepted() {
        return FakeProvider.VALID_TOKEN.equals(token());
    }

    /** The token's value, for tests that leak it on purpose. */
    String token() {
        return context.settings().secret("token").map(Secret::reveal).orElse("");
    }
}
