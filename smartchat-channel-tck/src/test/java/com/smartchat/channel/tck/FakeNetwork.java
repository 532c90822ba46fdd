package com.smartchat.channel.tck;

import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.WebhookRequest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fake's network as one channel sees it: what users sent the channel, handed over on every poll until the channel
 * confirms it, as Telegram keeps updates until the next getUpdates offset. Fake also pushes messages to a webhook:
 * a POST whose body is {@code <id>:<text>}, with the channel's token in the {@value #SIGNATURE} header.
 */
final class FakeNetwork {

    /** The header in which Fake proves a pushed request is its own. */
    static final String SIGNATURE = "X-Fake-Signature";
    private static final AtomicInteger PUSHED = new AtomicInteger();

    private final List<InboundEvent> unconfirmed = new ArrayList<>();
    private int sent;

    /** A user writes to the channel. */
    synchronized void send(String text) {
        unconfirmed.add(message(String.valueOf(++sent), text));
        notifyAll();
    }

    /** A message from alice, as Fake hands it over. */
    static InboundEvent message(String id, String text) {
        return new InboundEvent.MessageReceived(id, Instant.now(),
                new Conversation("alice", Conversation.Kind.PRIVATE, null), null, id, text, List.of(), null);
    }

    /** A new message from alice, pushed by Fake to a channel with this token. */
    static WebhookRequest push(String token, String text) {
        return new WebhookRequest(Map.of(SIGNATURE, List.of(token)),
                ("pushed-" + PUSHED.incrementAndGet() + ":" + text).getBytes(StandardCharsets.UTF_8));
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
