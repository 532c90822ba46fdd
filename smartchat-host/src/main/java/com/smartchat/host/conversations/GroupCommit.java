package com.smartchat.host.conversations;

import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.InboundEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Commits events delivered one at a time by concurrent callers (webhooks, mostly) together: one committer takes
 * whatever waits when it is free, up to {@link #MAX_EVENTS}, and stores it in one transaction; each caller returns
 * only after the commit that holds its event. A lone event waits for nothing, and under load an event waits at most
 * for the commit before its own. When a shared commit fails, its events are stored one by one, so that one event the
 * host cannot store fails only its own caller.
 */
final class GroupCommit implements AutoCloseable {

    /** Bounds a transaction's size, and so how long the events at its end wait for the ones before them. */
    static final int MAX_EVENTS = 256;

    /** How the events are stored: all in one transaction, or none. */
    interface Store {
        void storeTogether(List<Received> events) throws DeliveryException;
    }

    /** An event of a channel, waiting to be stored. */
    record Received(UUID channelId, InboundEvent event) {
    }

    private record Waiting(Received received, CompletableFuture<Void> stored) {
    }

    /** Wakes the committer at close: interrupting it could interrupt the database's own file access. */
    private static final Waiting WAKE_UP = new Waiting(null, new CompletableFuture<>());

    private final Store store;
    private final BlockingQueue<Waiting> queue = new LinkedBlockingQueue<>();
    private final Thread committer;
    private volatile boolean closed;

    GroupCommit(Store store) {
        this.store = store;
        this.committer = Thread.ofVirtual().name("inbound-group-commit").start(this::commitWhatWaits);
    }

    /**
     * Stores the event in the next commit and returns once that committed.
     *
     * @throws DeliveryException when it could not be stored (or the host is shutting down, or the caller was
     *         interrupted): it may still be committed later, which only makes the network's next delivery a duplicate
     */
    void store(UUID channelId, InboundEvent event) throws DeliveryException {
        Waiting waiting = new Waiting(new Received(channelId, event), new CompletableFuture<>());
        queue.add(waiting);
        if (closed) {
            failAll(); // the committer may have ended before this event arrived
        }
        try {
            waiting.stored().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof DeliveryException refused ? refused
                    : new DeliveryException("The host could not store event " + event.eventId(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("Interrupted while event " + event.eventId() + " was being stored", e);
        }
    }

    /** How many events wait for a commit that has not started. */
    int waiting() {
        return queue.size();
    }

    private void commitWhatWaits() {
        List<Waiting> batch = new ArrayList<>(MAX_EVENTS);
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, MAX_EVENTS - 1);
            batch.removeIf(waiting -> waiting == WAKE_UP);
            if (!batch.isEmpty()) {
                commit(batch);
            }
            batch.clear();
        }
        failAll();
    }

    private void commit(List<Waiting> batch) {
        try {
            store.storeTogether(batch.stream().map(Waiting::received).toList());
            batch.forEach(waiting -> waiting.stored().complete(null));
        } catch (DeliveryException | RuntimeException together) {
            if (batch.size() == 1) {
                batch.getFirst().stored().completeExceptionally(together);
                return;
            }
            for (Waiting waiting : batch) {
                try {
                    store.storeTogether(List.of(waiting.received()));
                    waiting.stored().complete(null);
                } catch (DeliveryException | RuntimeException alone) {
                    waiting.stored().completeExceptionally(alone);
                }
            }
        }
    }

    private void failAll() {
        for (Waiting waiting; (waiting = queue.poll()) != null; ) {
            waiting.stored().completeExceptionally(
                    new DeliveryException("The host is shutting down; deliver again later", null));
        }
    }

    /** Ends the committer after its current commit; events still waiting are refused, so they are not confirmed. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        queue.add(WAKE_UP);
        committer.join();
        failAll();
    }
}
