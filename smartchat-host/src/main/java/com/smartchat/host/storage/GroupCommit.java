package com.smartchat.host.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Commits what concurrent callers write together: one committer takes whatever waits when it is free, up to a maximum
 * of items, and stores it in one transaction; each caller returns only after the commit that holds its items. A
 * caller's items (one, or a batch such as a poll's) are never split over commits. A lone caller waits for nothing,
 * and under load a caller waits at most for the commit before its own. When a shared commit fails, each caller's
 * items are stored on their own, so that what cannot be stored fails only its own caller.
 *
 * <p>The committer is a platform thread: it spends its life in JDBC round trips, each of which would otherwise park
 * a virtual thread and wake it through the poller (a store transaction of a webhook took 6 ms instead of 4 at light
 * load; BENCHMARKS.md, "Pipeline").
 *
 * @param <T> what is stored
 */
public final class GroupCommit<T> implements AutoCloseable {

    /** How items are stored: all in one transaction, or none. */
    @FunctionalInterface
    public interface Store<T> {
        void storeTogether(List<T> items) throws Exception;
    }

    /** An item was not stored: its {@linkplain #getCause() cause} is the store's failure, if it got that far. */
    public static final class Failed extends RuntimeException {
        Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Waiting<T>(List<T> items, CompletableFuture<Void> stored) {
    }

    private final String name;
    private final int maxItems;
    private final Store<T> store;
    private final BlockingQueue<Waiting<T>> queue = new LinkedBlockingQueue<>();
    /** Wakes the committer at close: interrupting it could interrupt the database's own file access. */
    private final Waiting<T> wakeUp = new Waiting<>(List.of(), new CompletableFuture<>());
    private final Thread committer;
    private volatile boolean closed;

    /**
     * @param name names the committer's thread and failures, such as {@code inbound events}
     * @param maxItems bounds a transaction's size, and so how long the items at its end wait for the ones before them;
     *                 a caller's batch larger than this is committed on its own
     */
    public GroupCommit(String name, int maxItems, Store<T> store) {
        this.name = name;
        this.maxItems = maxItems;
        this.store = store;
        this.committer = Thread.ofPlatform().daemon().name("group-commit " + name).start(this::commitWhatWaits);
    }

    /**
     * Stores the item in the next commit and returns once that committed.
     *
     * @throws Failed when it could not be stored (or this closed first, or the caller was interrupted): it may still
     *                be committed later
     */
    public void commit(T item) {
        commitAll(List.of(item));
    }

    /**
     * Stores the items in the next commit, all of them or none, and returns once that committed.
     *
     * @throws Failed when they could not be stored (or this closed first, or the caller was interrupted): they may
     *                still be committed later
     */
    public void commitAll(List<T> items) {
        Waiting<T> waiting = new Waiting<>(List.copyOf(items), new CompletableFuture<>());
        queue.add(waiting);
        if (closed) {
            failAll(); // the committer may have ended before these items arrived
        }
        try {
            waiting.stored().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Failed failed ? failed
                    : new Failed(name + ": could not store: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed(name + ": interrupted while waiting for the commit", e);
        }
    }

    /** How many callers wait for a commit that has not started. */
    int waiting() {
        return queue.size();
    }

    private void commitWhatWaits() {
        List<Waiting<T>> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            int items = batch.getFirst().items().size();
            // the only taker, so what it saw first is what it takes
            for (Waiting<T> next; (next = queue.peek()) != null && items + next.items().size() <= maxItems; ) {
                batch.add(queue.poll());
                items += next.items().size();
            }
            batch.removeIf(waiting -> waiting == wakeUp);
            if (!batch.isEmpty()) {
                commit(batch);
            }
            batch.clear();
        }
        failAll();
    }

    private void commit(List<Waiting<T>> batch) {
        try {
            store.storeTogether(batch.stream().flatMap(waiting -> waiting.items().stream()).toList());
            batch.forEach(waiting -> waiting.stored().complete(null));
        } catch (Exception together) {
            if (batch.size() == 1) {
                batch.getFirst().stored().completeExceptionally(together);
                return;
            }
            for (Waiting<T> waiting : batch) {
                try {
                    store.storeTogether(waiting.items());
                    waiting.stored().complete(null);
                } catch (Exception alone) {
                    waiting.stored().completeExceptionally(alone);
                }
            }
        }
    }

    private void failAll() {
        for (Waiting<T> waiting; (waiting = queue.poll()) != null; ) {
            waiting.stored().completeExceptionally(new Failed(name + ": the host is shutting down", null));
        }
    }

    /** Ends the committer after its current commit; items still waiting are refused. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        queue.add(wakeUp);
        committer.join();
        failAll();
    }
}
