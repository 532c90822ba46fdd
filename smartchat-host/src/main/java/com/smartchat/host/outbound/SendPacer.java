package com.smartchat.host.outbound;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.smartchat.channel.spi.RateLimit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces sends so that no provider's declared {@link RateLimit} is exceeded, in two steps:
 * <ol>
 *   <li>{@link #schedule} books each message a time with the generic cell rate algorithm (the token bucket the SPI
 *       describes): each limit keeps a "theoretical arrival time" per key (a channel, or a channel's conversation),
 *       and a message is booked at the first moment every limit allows, after the messages booked before it. Booking
 *       ahead spreads waiting messages over distinct times, in the order they came, instead of waking them all
 *       whenever a limit frees up;</li>
 *   <li>{@link #admit}, at the booked time, checks that no limit has seen more than {@code max(permits, burst)}
 *       sends in the last {@code period} ("at most permits every period": a bucket of burst 30 alone would let 59
 *       messages through in one second) and counts the send. Each send counts from the moment the network answered
 *       it ({@link #sent}), and until then as happening now: the network may have received it later than it left,
 *       so it is counted as late as it can have arrived, and network jitter never turns into a refusal.</li>
 * </ol>
 * A conversation's own buckets likewise count its send from the answer when that is later than the booking (its
 * sends go one at a time, so this is exact). A group's messages book only their group's limits, not the channel's:
 * held to 20 a minute by their own limits, they would otherwise wait behind every private reply booked before them
 * and fall ever further behind the pace their group allows.
 *
 * <p>A send that finds no room under the channel's limit waits in line in the channel's window. Only the first in line
 * waits for the moment the window frees up; whoever makes room earlier or hands the first place on (an answer that
 * frees the window sooner, an admitted send, a send that gives up) wakes the new first with {@link LockSupport#unpark}.
 * The others wait to be woken, asking again only after a long while in case a wake-up was lost: the caller waits with
 * {@link #await}. Every waiting send asking whenever the window frees up cost a burst through one bot an ask per
 * waiting send for every message sent, a tenth of the host's CPU; polling every few milliseconds cost a fifth.
 *
 * <p>Sends of one channel are decided one at a time, which is cheap next to a network call. Every limit and every
 * waiting send belongs to one channel, so channels take locks of their own (one of {@link #STRIPES}): with a single
 * lock, a busy host's sends spent a tenth of its CPU queueing for it.
 */
final class SendPacer {

    /** State per limit and key; idle entries expire, a busy host keeps a bounded number. */
    private final Cache<Key, Instant> arrivals = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(1_000_000)
            .build();

    /**
     * Added to the moment the network answered a send, the moment it is counted from: the network counted it
     * earlier, but by its own clock, and this host's wall clock is adjusted against it now and then by a fraction
     * of a millisecond (measured here: steps of 0.25 ms), so a send answered within such a step could otherwise
     * leave a window a moment before the network sees it leave.
     */
    static final Duration CLOCK_SLACK = Duration.ofMillis(5);

    /** How long a send waits at most for a window full of sends awaiting their answers (it is woken before). */
    private static final long IN_FLIGHT_RECHECK_NANOS = 250_000_000L;

    /** How long a send that is not first in line waits at most before asking again (it is woken before). */
    private final long behindNanos;

    /** The channel windows each waiting send waits in. */
    private final Map<UUID, List<Window>> waitingIn = new ConcurrentHashMap<>();

    private static final int STRIPES = 256;
    private final Object[] locks = new Object[STRIPES];

    /**
     * @param behindWait how long a send behind others in line waits at most to be woken; keep it shorter than what
     *     the caller holds a send for
     */
    SendPacer(Duration behindWait) {
        this.behindNanos = behindWait.toNanos();
        Arrays.setAll(locks, i -> new Object());
    }

    /** The lock that guards a channel's windows, arrivals and waiting sends. */
    private Object lock(UUID channelId) {
        return locks[Math.floorMod(channelId.hashCode(), STRIPES)];
    }

    /** The latest sends per limit and key, for the "at most permits every period" check. */
    private final Cache<Key, Window> windows = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(1_000_000)
            .build();

    /**
     * A send admitted by {@link #admit}: give it back to {@link #sent} once the network answered.
     */
    record Ticket(UUID channelId, List<Key> windowKeys, long[] slots, List<Key> sequentialKeys,
                  List<Duration> sequentialIntervals) {
    }

    /** Whether a send may go now, or when to ask again. */
    record Admission(Ticket ticket, Instant retryAt) {
        boolean admitted() {
            return ticket != null;
        }
    }

    /**
     * Books the earliest time at which every limit allows one more message of this conversation, after the messages
     * booked before it, and counts it there.
     *
     * @param group whether the conversation is a group or broadcast one
     * @return the booked time, {@code now} or later
     */
    Instant schedule(UUID channelId, String conversationId, boolean group, List<RateLimit> limits,
                     Instant now) {
        synchronized (lock(channelId)) {
            Instant at = now;
            List<Key> keys = new ArrayList<>(limits.size());
            for (RateLimit limit : limits) {
                // a group's messages are held to its own, slower limits: they do not queue behind the channel's backlog
                // of private replies, but take the channel's next free moment once their group allows (see admit)
                Key key = group && limit.scope() == RateLimit.Scope.CHANNEL ? null
                        : key(channelId, conversationId, group, limit);
                keys.add(key);
                if (key != null) {
                    Instant allowedAt = allowedAt(arrivals.getIfPresent(key), limit);
                    if (allowedAt.isAfter(at)) {
                        at = allowedAt;
                    }
                }
            }
            for (int i = 0; i < limits.size(); i++) {
                Key key = keys.get(i);
                if (key != null) {
                    Instant arrival = arrivals.getIfPresent(key);
                    Instant base = arrival == null || arrival.isBefore(at) ? at : arrival;
                    arrivals.put(key, base.plus(limits.get(i).interval()));
                }
            }
            return at;
        }
    }

    /**
     * Admits a send now when no limit has seen {@code max(permits, burst)} sends in its last period, counting it.
     * When several sends wait for room under the channel's limit, a group's goes first, then the one that has been due
     * longest.
     *
     * @param sendId identifies the send while it waits
     * @param due the time {@link #schedule} booked for it
     * @return the ticket to hand to {@link #sent}, or when to ask again
     */
    Admission admit(UUID channelId, String conversationId, boolean group, List<RateLimit> limits,
                    UUID sendId, Instant due, Instant now) {
        synchronized (lock(channelId)) {
            long nowNanos = nanos(now);
            long dueNanos = nanos(due);
            List<Key> keys = new ArrayList<>(limits.size());
            List<Window> found = new ArrayList<>(limits.size());
            long retryAt = Long.MIN_VALUE;
            // the conversation's own limits first: a send they hold back does not queue for the channel
            for (RateLimit limit : limits) {
                Key key = limit.scope() == RateLimit.Scope.CHANNEL ? null
                        : key(channelId, conversationId, group, limit);
                if (key != null) {
                    Window window = window(key, limit);
                    retryAt = Math.max(retryAt, window.freeAt(limit.period().toNanos(), nowNanos));
                    keys.add(key);
                    found.add(window);
                }
            }
            if (retryAt > nowNanos) {
                forget(channelId, sendId);
                return new Admission(null, instant(retryAt));
            }
            // A group's sends go first: held to 20 a minute by their own limits, they cannot crowd private ones out,
            // and each one delayed behind a private backlog delays the same place in every later minute of its group.
            long rank = group ? Long.MIN_VALUE : dueNanos;
            List<Window> shared = new ArrayList<>(1);
            boolean behind = false;
            for (RateLimit limit : limits) {
                if (limit.scope() == RateLimit.Scope.CHANNEL) {
                    Key key = key(channelId, conversationId, group, limit);
                    Window window = window(key, limit);
                    retryAt = Math.max(retryAt, window.freeAt(limit.period().toNanos(), nowNanos));
                    behind |= window.waitedLongerThan(sendId, rank, nowNanos);
                    keys.add(key);
                    found.add(window);
                    shared.add(window);
                }
            }
            if (behind) {
                // room or not, it goes to a send that has waited longer, which wakes this one when its turn comes
                retryAt = Math.max(retryAt, nowNanos + behindNanos);
            }
            if (retryAt > nowNanos) {
                for (Window window : shared) {
                    window.waiting(sendId, rank, retryAt, Thread.currentThread());
                }
                waitingIn.put(sendId, shared);
                return new Admission(null, instant(retryAt));
            }
            forget(channelId, sendId);
            long[] slots = new long[found.size()];
            for (int i = 0; i < found.size(); i++) {
                slots[i] = found.get(i).add();
            }
            for (Window window : shared) {
                window.wakeLongestWaiting(); // the next in line is now first: it learns when its turn comes
            }
            List<Key> sequential = new ArrayList<>(2);
            List<Duration> intervals = new ArrayList<>(2);
            for (RateLimit limit : limits) {
                if (limit.scope() != RateLimit.Scope.CHANNEL) {
                    Key key = key(channelId, conversationId, group, limit);
                    if (key != null) {
                        sequential.add(key);
                        intervals.add(limit.interval());
                    }
                }
            }
            return new Admission(new Ticket(channelId, keys, slots, sequential, intervals), null);
        }
    }

    /** The send no longer waits (it went back to the queue): it holds no other send back any more. */
    void forget(UUID channelId, UUID sendId) {
        synchronized (lock(channelId)) {
            List<Window> windowsWaitedIn = waitingIn.remove(sendId);
            if (windowsWaitedIn != null) {
                for (Window window : windowsWaitedIn) {
                    if (window.stopWaiting(sendId)) {
                        window.wakeLongestWaiting(); // it was first in line: the next one is now
                    }
                }
            }
        }
    }

    /** Wakes every send waiting in line, to ask again now: the caller stops, and they go back to the queue. */
    void wakeAll() {
        windows.asMap().forEach((key, window) -> {
            synchronized (lock(key.channelId())) {
                window.wakeAll();
            }
        });
    }

    private Window window(Key key, RateLimit limit) {
        return windows.get(key, k -> new Window(Math.max(limit.permits(), limit.burst())));
    }

    /**
     * The network answered an admitted send (or it failed): from now on it counts from {@code answeredAt} (plus
     * {@link #CLOCK_SLACK}), the latest moment the network can have received it.
     */
    void sent(Ticket ticket, Instant answeredAt) {
        synchronized (lock(ticket.channelId())) {
            Instant counted = answeredAt.plus(CLOCK_SLACK);
            long answered = nanos(counted);
            for (int i = 0; i < ticket.windowKeys().size(); i++) {
                Window window = windows.getIfPresent(ticket.windowKeys().get(i));
                if (window != null && window.complete(ticket.slots()[i], answered)) {
                    window.wakeLongestWaiting(); // the window frees up sooner than the first in line waits for
                }
            }
            // A conversation's sends go one at a time, so its buckets hold exactly what this send's booking put there:
            // counted as sent when answered, the theoretical arrival time is the later of the booked one and that.
            for (int i = 0; i < ticket.sequentialKeys().size(); i++) {
                Key key = ticket.sequentialKeys().get(i);
                Instant arrival = arrivals.getIfPresent(key);
                Instant fromAnswer = counted.plus(ticket.sequentialIntervals().get(i));
                if (arrival == null || arrival.isBefore(fromAnswer)) {
                    arrivals.put(key, fromAnswer);
                }
            }
        }
    }

    /**
     * Waits until {@code until}, or until a window this thread waits in has changed (see {@link #admit}): then ask
     * {@link #admit} again. It may return early (a wake-up meant for an earlier wait): a caller waiting for the time
     * {@link #schedule} booked must check the clock.
     */
    static void await(Instant until, Clock clock) {
        long nanos = Duration.between(clock.instant(), until).toNanos();
        if (nanos > 0) {
            LockSupport.parkNanos(nanos);
        }
    }

    /** Holds every send to a conversation until {@code until}, as a network's "retry after" asks. */
    void pause(UUID channelId, String conversationId, Instant until) {
        arrivals.put(new Key(channelId, null, conversationId), until);
    }

    /** When a paused conversation may send again, or {@code null} when it is not paused. */
    Instant pausedUntil(UUID channelId, String conversationId, Instant now) {
        Instant until = arrivals.getIfPresent(new Key(channelId, null, conversationId));
        return until != null && until.isAfter(now) ? until : null;
    }

    private static Instant allowedAt(Instant arrival, RateLimit limit) {
        if (arrival == null) {
            return Instant.MIN;
        }
        return arrival.minus(limit.interval().multipliedBy(limit.burst() - 1L));
    }

    /**
     * What a limit counts under: a channel, or one of its conversations; without a limit, a paused conversation.
     * A record rather than a string: this is looked up several times for every send.
     */
    private record Key(UUID channelId, RateLimit limit, String conversationId) {
    }

    /** The key a limit counts under, or {@code null} when it does not apply to this conversation. */
    private static Key key(UUID channelId, String conversationId, boolean group, RateLimit limit) {
        return switch (limit.scope()) {
            case CHANNEL -> new Key(channelId, limit, null);
            case CONVERSATION -> new Key(channelId, limit, conversationId);
            case GROUP_CONVERSATION -> group ? new Key(channelId, limit, conversationId) : null;
        };
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    /**
     * The last {@code capacity} sends under one limit and key, as times in epoch nanoseconds; a send still waiting
     * for the network's answer counts as {@link Long#MAX_VALUE} (it cannot have left the window yet).
     */
    static final class Window {
        private static final long IN_FLIGHT = Long.MAX_VALUE;
        private static final long EMPTY = Long.MIN_VALUE;
        /** A send that found no room since {@code due}, waiting on {@code thread}. */
        private record Waiter(long due, UUID id, Thread thread) implements Comparable<Waiter> {
            @Override
            public int compareTo(Waiter other) {
                int byDue = Long.compare(due, other.due);
                return byDue != 0 ? byDue : id.compareTo(other.id);
            }
        }

        /** A waiter that has not asked again this long after it said it would has gone (its thread ended). */
        private static final long WAITER_GONE_NANOS = 5_000_000_000L;

        private final long[] times;
        private final long[] slotIds;
        private long counter;
        /** The waiting sends in line, each with the time by which it asks again at the latest. */
        private final TreeMap<Waiter, Long> waiters = new TreeMap<>();
        private final Map<UUID, Waiter> waiterById = new HashMap<>();

        /** Whether another send, due before this one, waits for room and is still asking. */
        boolean waitedLongerThan(UUID id, long due, long now) {
            boolean headGone = false;
            while (!waiters.isEmpty()) {
                Map.Entry<Waiter, Long> first = waiters.firstEntry();
                if (first.getValue() < now - WAITER_GONE_NANOS && !first.getKey().id().equals(id)) {
                    waiters.pollFirstEntry();
                    waiterById.remove(first.getKey().id());
                    headGone = true;
                    continue;
                }
                Waiter head = first.getKey();
                if (headGone && !head.id().equals(id)) {
                    LockSupport.unpark(head.thread()); // first in line now, and nobody else will say so
                }
                return !head.id().equals(id) && head.compareTo(new Waiter(due, id, null)) < 0;
            }
            return false;
        }

        /** The send waits in line; it asks again by {@code asksAgainBy} at the latest. */
        void waiting(UUID id, long due, long asksAgainBy, Thread thread) {
            Waiter waiter = waiterById.computeIfAbsent(id, key -> new Waiter(due, key, thread));
            waiters.put(waiter, asksAgainBy);
        }

        /** Wakes the send that has waited longest, to ask again now. */
        void wakeLongestWaiting() {
            if (!waiters.isEmpty()) {
                LockSupport.unpark(waiters.firstKey().thread());
            }
        }

        void wakeAll() {
            waiters.keySet().forEach(waiter -> LockSupport.unpark(waiter.thread()));
        }

        /** The send no longer waits; returns whether it was first in line. */
        boolean stopWaiting(UUID id) {
            Waiter waiter = waiterById.remove(id);
            if (waiter == null) {
                return false;
            }
            boolean first = waiter.equals(waiters.firstKey());
            waiters.remove(waiter);
            return first;
        }

        Window(int capacity) {
            times = new long[capacity];
            slotIds = new long[capacity];
            Arrays.fill(times, EMPTY);
            Arrays.fill(slotIds, -1);
        }

        /** The entry a new send replaces: the earliest one. */
        private int earliest() {
            int index = 0;
            for (int i = 1; i < times.length; i++) {
                if (times[i] < times[index]) {
                    index = i;
                }
            }
            return index;
        }

        /**
         * When one more send fits: {@code now} when it fits now, else when the earliest of the last {@code capacity}
         * sends leaves the period (while all of them wait for their answers, a moment later).
         */
        long freeAt(long period, long now) {
            long earliest = times[earliest()];
            if (earliest == EMPTY || earliest != IN_FLIGHT && earliest + period <= now) {
                return now;
            }
            return earliest == IN_FLIGHT ? now + Math.min(period, IN_FLIGHT_RECHECK_NANOS) : earliest + period;
        }

        /** Counts a send, in flight; returns its slot id for {@link #complete}. */
        long add() {
            int index = earliest();
            long id = counter++;
            times[index] = IN_FLIGHT;
            slotIds[index] = id;
            return id;
        }

        /**
         * The send was answered: it counts from then on (unless later sends have pushed it out already). Returns
         * whether that moves the time the window frees up at.
         */
        boolean complete(long slotId, long at) {
            for (int i = 0; i < slotIds.length; i++) {
                if (slotIds[i] == slotId) {
                    long earliestBefore = times[earliest()];
                    times[i] = at;
                    return times[earliest()] != earliestBefore;
                }
            }
            return false;
        }
    }
}
