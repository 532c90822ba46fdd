package com.smartchat.channel.tck;

import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.InboundEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Fake's network as one channel sees it: what users sent the channel, handed over on every poll until the channel
 * confirms it, as Telegram keeps updates until the next getUpdates offset.
 */
final class FakeNetwork {

    private final List<InboundEvent> unconfirmed = new ArrayList<>();
    private int sent;

    /** A user writes to the channel. */
    synchronized void send(String text) {
        String id = String.valueOf(++sent);
        unconfirmed.add(new InboundEvent.MessageReceived(id, Instant.now(),
                new Conversation("alice", Conversation.Kind.PRIVATE, null), null, id, text, List.of(), null));
        notifyAll();
    }

    /** Waits until something is unconfirmed, as a long poll does, and returns all of it. */
    synchronized List<InboundEvent> poll() throws InterruptedException {
        while (unconfirmed.isEmpty()) {
            wait();
        }
        return List.copyOf(unconfirmed);
    }

    /** The channel tells the network these events need not be handed over again. */
    synchronized void confirm(List<InboundEvent> events) {
        unconfirmed.removeAll(events);
    }
}
