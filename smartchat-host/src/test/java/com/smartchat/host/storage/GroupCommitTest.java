package com.smartchat.host.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Items written one at a time by concurrent callers are committed together, and each caller learns its own fate. */
class GroupCommitTest {

    /** Commits in memory, one list per transaction; refuses a transaction that holds an event called "bad…". */
    private static final class Transactions implements GroupCommit.Store<String> {
        final List<List<String>> committed = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch hold = new CountDownLatch(0);
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public void storeTogether(List<String> ids) throws Exception {
            entered.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                throw e;
            }
            if (ids.stream().anyMatch(id -> id.startsWith("bad"))) {
                throw new IllegalArgumentException("cannot store " + ids);
            }
            committed.add(ids);
        }

        Set<String> stored() {
            Set<String> ids = ConcurrentHashMap.newKeySet();
            synchronized (committed) {
                committed.forEach(ids::addAll);
            }
            return ids;
        }
    }

    @Test
    void callersWaitingTogetherShareOneCommitAndReturnOnlyAfterIt() throws Exception {
        Transactions transactions = new Transactions();
        try (GroupCommit<String> groupCommit = new GroupCommit<>("test", 256, transactions);
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            transactions.hold = new CountDownLatch(1);
            Future<?> first = inCaller(callers, () -> groupCommit.commit("first"));
            // the first commit is under way and held: the others queue behind it
            awaitCommitStarted(transactions);
            List<Future<?>> others = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String id = "event-" + i;
                others.add(callers.submit(() -> {
                    groupCommit.commit(id);
                    return transactions.stored().contains(id); // returned: its commit is done
                }));
            }
            awaitWaiting(groupCommit, 50);
            assertThat(first.isDone()).isFalse();
            assertThat(others).noneMatch(Future::isDone);
            transactions.hold.countDown();
            first.get(30, TimeUnit.SECONDS);
            for (Future<?> other : others) {
                assertThat(other.get(30, TimeUnit.SECONDS)).isEqualTo(true);
            }
            assertThat(transactions.stored()).hasSize(51);
            assertThat(transactions.committed.size()).as("commits for 51 events").isLessThan(51);
        }
    }

    @Test
    void anEventThatCannotBeStoredFailsOnlyItsOwnCaller() throws Exception {
        Transactions transactions = new Transactions();
        try (GroupCommit<String> groupCommit = new GroupCommit<>("test", 256, transactions);
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            transactions.hold = new CountDownLatch(1);
            Future<?> first = inCaller(callers, () -> groupCommit.commit("first"));
            awaitCommitStarted(transactions);
            Future<?> good1 = inCaller(callers, () -> groupCommit.commit("good-1"));
            Future<?> bad = inCaller(callers, () -> groupCommit.commit("bad-1"));
            Future<?> good2 = inCaller(callers, () -> groupCommit.commit("good-2"));
            awaitWaiting(groupCommit, 3);
            transactions.hold.countDown();
            first.get(30, TimeUnit.SECONDS);
            good1.get(30, TimeUnit.SECONDS);
            good2.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GroupCommit.Failed.class);
            assertThat(transactions.stored()).containsExactlyInAnyOrder("first", "good-1", "good-2");
        }
    }

    @Test
    void aCallersBatchIsCommittedWholeNeverSplitAndFailsOnlyItsCaller() throws Exception {
        Transactions transactions = new Transactions();
        try (GroupCommit<String> groupCommit = new GroupCommit<>("test", 5, transactions);
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            transactions.hold = new CountDownLatch(1);
            Future<?> first = inCaller(callers, () -> groupCommit.commit("first"));
            awaitCommitStarted(transactions);
            List<String> pollA = List.of("a-1", "a-2", "a-3");
            List<String> pollB = List.of("b-1", "b-2", "b-3");
            List<String> tooLarge = List.of("c-1", "c-2", "c-3", "c-4", "c-5", "c-6", "c-7");
            Future<?> a = inCaller(callers, () -> groupCommit.commitAll(pollA));
            awaitWaiting(groupCommit, 1);
            Future<?> b = inCaller(callers, () -> groupCommit.commitAll(pollB));
            awaitWaiting(groupCommit, 2);
            Future<?> bad = inCaller(callers, () -> groupCommit.commitAll(List.of("d-1", "bad-d-2")));
            awaitWaiting(groupCommit, 3);
            Future<?> large = inCaller(callers, () -> groupCommit.commitAll(tooLarge));
            awaitWaiting(groupCommit, 4);
            transactions.hold.countDown();
            for (Future<?> caller : List.of(first, a, b, large)) {
                caller.get(30, TimeUnit.SECONDS);
            }
            assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GroupCommit.Failed.class);

            assertThat(transactions.stored()).doesNotContain("d-1", "bad-d-2");
            List<List<String>> commits;
            synchronized (transactions.committed) {
                commits = List.copyOf(transactions.committed);
            }
            assertThat(commits).as("a and b (6 events) do not fit in one commit of at most 5")
                    .contains(List.of("first"), pollA, pollB, tooLarge);
        }
    }

    @Test
    void closingRefusesWhatStillWaitsSoThatNothingIsConfirmed() throws Exception {
        Transactions transactions = new Transactions();
        GroupCommit<String> groupCommit = new GroupCommit<>("test", 256, transactions);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            transactions.hold = new CountDownLatch(1);
            Future<?> first = inCaller(callers, () -> groupCommit.commit("first"));
            awaitCommitStarted(transactions);
            Future<?> waiting = inCaller(callers, () -> groupCommit.commit("waiting"));
            awaitWaiting(groupCommit, 1);
            Future<?> closing = inCaller(callers, () -> groupCommit.close());
            awaitWaiting(groupCommit, 2); // the waiting event, and close's wake-up call
            transactions.hold.countDown(); // the commit under way finishes; the waiting one is not started
            closing.get(30, TimeUnit.SECONDS);
            first.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GroupCommit.Failed.class);
            assertThatThrownBy(() -> groupCommit.commit("late")).isInstanceOf(GroupCommit.Failed.class);
            assertThat(transactions.stored()).containsExactly("first");
        }
    }

    /** Runs a call as a caller of its own: a future of its return or its failure. */
    private static Future<?> inCaller(ExecutorService callers, Call call) {
        return callers.submit(() -> {
            call.run();
            return null;
        });
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    private static void awaitCommitStarted(Transactions transactions) throws InterruptedException {
        assertThat(transactions.entered.await(30, TimeUnit.SECONDS)).as("the first commit started").isTrue();
    }

    private static void awaitWaiting(GroupCommit<String> groupCommit, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (groupCommit.waiting() < count) {
            assertThat(System.nanoTime()).as(count + " waiting").isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
