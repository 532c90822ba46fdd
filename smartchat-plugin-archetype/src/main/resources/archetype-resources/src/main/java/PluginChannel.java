package ${package};

import com.smartchat.channel.spi.AudienceMember;
import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.Redelivery;
import com.smartchat.channel.spi.SendReceipt;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * One ${channelName} channel. Received events go to the host through {@code context.inbound()}, one at a time and
 * in order, each by {@link Redelivery}: again and again until the host stored it (only then may a network be told
 * that it arrived), the channel shown as degraded meanwhile; a task on the context's executor does that for the
 * channel's whole life.
 */
final class PluginChannel implements Channel {

    private final ChannelContext context;
    private final Redelivery redelivery;
    private final BlockingDeque<InboundEvent> received = new LinkedBlockingDeque<>();
    private volatile ChannelStatus status = ChannelStatus.of(ChannelState.CREATED, null, null);
    private Future<?> receiver;

    PluginChannel(ChannelContext context) {
        this.context = context;
        this.redelivery = new Redelivery(context, context::report);
    }

    @Override
    public synchronized void start() throws ChannelException {
        if (receiver == null) {
            receiver = context.executor().submit(this::deliverReceived);
            status = ChannelStatus.running();
        }
    }

    @Override
    public synchronized void stop() {
        if (receiver != null) {
            receiver.cancel(true);
            receiver = null;
        }
        status = ChannelStatus.of(ChannelState.STOPPED, null, null);
    }

    /** The loopback: the message comes back from the conversation's member. A real plugin calls its network here. */
    @Override
    public CompletionStage<SendReceipt> send(OutboundMessage message) {
        if (status.state() != ChannelState.RUNNING) {
            return CompletableFuture.failedFuture(new ChannelException(FailureKind.TRANSIENT,
                    "The ${channelName} channel is not running.", null, null, null));
        }
        String member = message.conversationId();
        received.add(new InboundEvent.MessageReceived(newId(), context.clock().instant(),
                new Conversation(member, Conversation.Kind.PRIVATE, null),
                new AudienceMember(member, member, null, null), newId(), message.text(), List.of(), null));
        return CompletableFuture.completedFuture(new SendReceipt(List.of(newId()), context.clock().instant()));
    }

    @Override
    public ChannelStatus status() {
        return status;
    }

    private void deliverReceived() {
        try {
            while (true) {
                InboundEvent event = received.takeFirst();
                try {
                    redelivery.deliver(event);
                } catch (InterruptedException e) {
                    received.addFirst(event); // not stored for sure: delivered again after the next start
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            // stop() ends the loop
        }
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
