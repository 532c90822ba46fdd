package com.smartchat.host.outbound;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.RateLimit;
import com.smartchat.channel.spi.SendReceipt;
import com.smartchat.host.channels.ChannelSupervisor;
import com.smartchat.host.channels.ChannelSupervisor.ChannelRun;
import com.smartchat.host.retry.Backoff;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Phaser;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.stereotype.Component;

/**
 * Sends queued messages through their channels: paced by each provider's declared rate limits and by every
 * "retry after" a network answers, one at a time and in order within a conversation, retrying transient failures
 * with growing delays and never retrying a blocked recipient. What is not sent at shutdown stays queued.
 *
 * <p>A send is recorded as under way before the channel gets it. A send that may have reached the network without
 * the host knowing its outcome (the host stopped during it, or the channel never answered) is never repeated by
 * itself: the message becomes UNCERTAIN, counted in {@code smartchat.outbound.uncertain}, and an agent decides
 * whether to send it again. Networks have no idempotency key for sends, so a retry could deliver it twice.
 */
@Component
public class OutboundDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboundDispatcher.class);
    private static final Duration CHANNEL_DOWN_RETRY = Duration.ofSeconds(2);
    /** How often the dispatcher looks for sends left under way by a host that stopped (their claims end later). */
    private static final Duration ABANDONED_CHECK_INTERVAL = Duration.ofSeconds(1);

    private final OutboundQueue queue;
    private final DeliveryRecords records;
    private final ChannelSupervisor supervisor;
    private final OutboundProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ObservationRegistry observations;
    private final SendPacer pacer;
    private final Backoff retryBackoff;
    /**
     * The longest a claimed message waits in memory for its turn under the rate limits: half its lease, so that it
     * never outlives its claim (the send renews it). A later turn puts it back in the queue, due then; each put-back
     * is a commit, which a burst through one bot would otherwise pay for most of its messages.
     */
    private final Duration maxHold;
    private final Set<UUID> busyConversations = ConcurrentHashMap.newKeySet();
    private final Semaphore wakeUp = new Semaphore(0);
    private final Phaser inFlight = new Phaser(1);
    /** The time each message put back to wait for its turn was booked for (see {@link SendPacer#schedule}). */
    private final Cache<UUID, Instant> bookings = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(30))
            .maximumSize(1_000_000)
            .build();
    /** When messages put back become due, in epoch milliseconds: the dispatcher looks again at each. */
    private final PriorityBlockingQueue<Long> dueTimes = new PriorityBlockingQueue<>();
    /** Messages queued by this host's commits, claimed and handed over in memory: no query finds them. */
    private final ConcurrentLinkedQueue<OutboundQueue.Pending> handedOver = new ConcurrentLinkedQueue<>();
    /** Whether the next round also asks the queue: something may be due that was not handed over. */
    private volatile boolean lookInQueue = true;
    private volatile boolean running;
    private Thread loop;
    private long nextAbandonedCheck;

    private final ReplyFiles files;

    public OutboundDispatcher(OutboundQueue queue, DeliveryRecords records, ChannelSupervisor supervisor,
                              OutboundProperties properties, Clock clock, MeterRegistry meters,
                              ObservationRegistry observations, ReplyFiles files) {
        this.files = files;
        this.queue = queue;
        this.records = records;
        this.supervisor = supervisor;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.observations = observations;
        this.retryBackoff = new Backoff(properties.retryDelay(), properties.maxRetryDelay());
        this.maxHold = properties.lease().dividedBy(2);
        this.pacer = new SendPacer(maxHold.dividedBy(2));
        Gauge.builder("smartchat.outbound.queue.depth", queue, OutboundQueue::depth)
                .description("Messages waiting to be sent")
                .register(meters);
        Gauge.builder("smartchat.outbound.uncertain.waiting", records, DeliveryRecords::uncertainCount)
                .description("Messages that may or may not have been delivered, waiting for an agent's decision")
                .register(meters);
    }

    /** Messages this host queued (and claimed) are committed: they go out without being looked for. */
    @TransactionalEventListener
    void onQueued(MessageQueued queued) {
        if (!running) {
            // queued while the host stops (by a channel still stopping): due at once for the next dispatcher
            queued.pending().forEach(pending -> queue.release(pending.messageId(), clock.instant(), false, null));
            return;
        }
        handedOver.addAll(queued.pending());
        wakeUp();
    }

    /** Another host queued messages for a channel this host sends for. */
    @EventListener
    void onSendsWaiting(SendsWaiting waiting) {
        lookInQueue = true;
        wakeUp();
    }

    private void wakeUp() {
        if (wakeUp.availablePermits() == 0) {
            wakeUp.release();
        }
    }

    private void dispatchLoop() {
        while (running) {
            try {
                if (clock.millis() >= nextAbandonedCheck) {
                    nextAbandonedCheck = clock.millis() + ABANDONED_CHECK_INTERVAL.toMillis();
                    records.abandonSendsUnderWay().forEach(uncertain -> {
                        log.warn("Message {} ({}) was being sent when its host stopped; it may or may not have been "
                                + "delivered, so it is marked uncertain, not sent again", uncertain.messageId(),
                                uncertain.kind().toLowerCase(Locale.ROOT));
                        countUncertain(uncertain.kind(), "host_stopped");
                    });
                }
                List<OutboundQueue.Pending> due = new ArrayList<>();
                for (OutboundQueue.Pending pending; (pending = handedOver.poll()) != null; ) {
                    due.add(pending);
                }
                boolean queueFull = false;
                if (lookInQueue) {
                    lookInQueue = false;
                    List<OutboundQueue.Pending> claimed = queue.claimDue(properties.batchSize(), properties.lease());
                    due.addAll(claimed);
                    queueFull = claimed.size() == properties.batchSize();
                }
                Map<UUID, List<OutboundQueue.Pending>> byConversation = new LinkedHashMap<>();
                for (OutboundQueue.Pending pending : due) {
                    byConversation.computeIfAbsent(pending.conversationId(), id -> new ArrayList<>()).add(pending);
                }
                byConversation.forEach(this::dispatchConversation);
                if (queueFull) {
                    lookInQueue = true; // more may be due right now
                } else {
                    long now = clock.millis();
                    Long next;
                    while ((next = dueTimes.peek()) != null && next <= now) {
                        dueTimes.poll(); // due now: the next round claims it
                        lookInQueue = true;
                    }
                    long wait = properties.idlePoll().toMillis();
                    if (next != null && next - now < wait) {
                        wait = next - now;
                    }
                    if (!lookInQueue && !wakeUp.tryAcquire(wait, TimeUnit.MILLISECONDS)) {
                        lookInQueue = true; // the idle poll, or a message put back is due
                    }
                    wakeUp.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("The outbound dispatcher failed to read its queue; trying again shortly", e);
                sleepQuietly(properties.idlePoll());
            }
        }
    }

    /** Sends one conversation's claimed messages in order on a thread of their own. */
    private void dispatchConversation(UUID conversationId, List<OutboundQueue.Pending> messages) {
        if (!busyConversations.add(conversationId)) {
            // its earlier messages are still being sent: these wait for the next round, keeping order
            messages.forEach(pending -> queue.release(pending.messageId(), clock.instant(), false, null));
            return;
        }
        inFlight.register();
        Thread.ofVirtual().name("outbound-" + conversationId).start(() -> {
            try {
                for (int i = 0; i < messages.size(); i++) {
                    OutboundQueue.Pending pending = messages.get(i);
                    // in order within a conversation, also when another dispatcher holds its earlier messages
                    Instant postponeTo = pending.behindEarlier()
                            ? putBack(pending, clock.instant().plus(properties.idlePoll()))
                            : dispatch(pending);
                    if (postponeTo != null) {
                        messages.subList(i + 1, messages.size()).forEach(later ->
                                release(later.messageId(), postponeTo, false, null));
                        break;
                    }
                }
            } catch (RuntimeException e) {
                log.error("Sending in conversation {} failed; its messages are retried after their lease", conversationId, e);
            } finally {
                busyConversations.remove(conversationId);
                inFlight.arriveAndDeregister();
                wakeUp();
            }
        });
    }

    /**
     * Sends one message, or puts it back.
     *
     * @return when the conversation's next messages may go, if they must wait; {@code null} to go on
     */
    private Instant dispatch(OutboundQueue.Pending pending) {
        Instant now = clock.instant();
        ChannelRun run = supervisor.startedRun(pending.channelId()).orElse(null);
        if (run == null) {
            return putBack(pending, now.plus(CHANNEL_DOWN_RETRY));
        }
        String conversation = pending.conversationExternalId();
        List<RateLimit> limits = run.provider().rateLimits();
        Instant paused = pacer.pausedUntil(pending.channelId(), conversation, now);
        if (paused != null) {
            return putBack(pending, paused);
        }
        Instant at = bookings.getIfPresent(pending.messageId());
        if (at == null) {
            at = pacer.schedule(pending.channelId(), conversation, pending.group(), limits, now);
        }
        Instant due = at;
        SendPacer.Ticket ticket;
        while (true) {
            if (at.isAfter(now.plus(maxHold)) || !running) {
                pacer.forget(pending.channelId(), pending.messageId());
                bookings.put(pending.messageId(), due);
                // stopping: due at its booking, for whichever dispatcher runs next (a wait in line is this host's)
                return putBack(pending, running ? at : due);
            }
            SendPacer.await(at, clock);
            now = clock.instant();
            if (!running || now.isBefore(due)) {
                // stopping: back to the queue (above); or woken early by room made under a limit (admit checks
                // windows, not this booked time)
                continue;
            }
            SendPacer.Admission admission = pacer.admit(pending.channelId(), conversation, pending.group(), limits,
                    pending.messageId(), due, now);
            if (admission.admitted()) {
                ticket = admission.ticket();
                break;
            }
            at = admission.retryAt();
        }
        bookings.invalidate(pending.messageId());
        String provider = run.provider().id();
        try {
            queue.markUnderWay(pending.messageId());
        } catch (RuntimeException e) {
            pacer.sent(ticket, clock.instant());
            throw e; // nothing went out; the message is claimed again when its lease ends
        }
        // a span when tracing is exported (README, "Several hosts"), a timer of sends by outcome always
        Observation observation = Observation.createNotStarted("smartchat.outbound.send", observations)
                .contextualName("send " + provider)
                .lowCardinalityKeyValue("provider", provider)
                .highCardinalityKeyValue("smartchat.channel.id", pending.channelId().toString())
                .highCardinalityKeyValue("smartchat.message.id", pending.messageId().toString())
                .start();
        try (Observation.Scope scope = observation.openScope()) {
            SendReceipt receipt = send(run, pending);
            pacer.sent(ticket, clock.instant());
            records.sent(pending.messageId(), receipt.messageIds(), receipt.sentAt());
            count(provider, "sent");
            observation.lowCardinalityKeyValue("outcome", "sent");
            Timer.builder("smartchat.outbound.latency").description("From queued to accepted by the network")
                    .tag("provider", provider).register(meters)
                    .record(Duration.between(pending.createdAt().toInstant(), clock.instant()));
            return null;
        } catch (MayHaveBeenSent uncertain) {
            pacer.sent(ticket, clock.instant());
            count(provider, "uncertain");
            observation.lowCardinalityKeyValue("outcome", "uncertain").error(uncertain);
            markUncertain(pending, uncertain.getMessage(), "no_answer");
            return null;
        } catch (ChannelException failure) {
            pacer.sent(ticket, clock.instant());
            observation.lowCardinalityKeyValue("outcome", failure.kind().name().toLowerCase()).error(failure);
            return handleFailure(pending, run, failure);
        } finally {
            observation.stop();
        }
    }

    /** Puts a claimed message back in the queue, due at {@code due}, and looks for it then; returns {@code due}. */
    private Instant putBack(OutboundQueue.Pending pending, Instant due) {
        release(pending.messageId(), due, false, null);
        return due;
    }

    /** Puts a claimed message back in the queue, due at {@code due}, and looks for due messages then. */
    private void release(UUID messageId, Instant due, boolean attempted, String error) {
        queue.release(messageId, due, attempted, error);
        dueTimes.add(due.toEpochMilli()); // the dispatcher looks in the queue then
        wakeUp(); // to wait for this one, the dispatcher must know of it
    }

    /** The channel began the send but gave no answer: the message may or may not have gone out. */
    private static final class MayHaveBeenSent extends Exception {
        MayHaveBeenSent(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Asks the channel to send and waits for its answer, at most the send timeout: without an answer by then, the
     * send may or may not have been carried out.
     */
    private SendReceipt send(ChannelRun run, OutboundQueue.Pending pending) throws ChannelException, MayHaveBeenSent {
        OutboundMessage.Kind kind = "GREETING".equals(pending.kind())
                ? OutboundMessage.Kind.GREETING : OutboundMessage.Kind.REPLY;
        ReplyFiles.ReplyFile file = pending.withFile() ? files.find(pending.messageId()).orElse(null) : null;
        OutboundMessage message = file != null
                ? OutboundMessage.upload(pending.conversationExternalId(), pending.text(), file.attachment(), file.upload())
                : OutboundMessage.text(pending.conversationExternalId(), pending.text()).withKind(kind);
        try {
            return run.channel().send(message, properties.sendTimeout()).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ChannelException failure) {
                throw failure;
            }
            if (e.getCause() instanceof TimeoutException) {
                throw new MayHaveBeenSent("the channel did not answer the send within "
                        + properties.sendTimeout().toSeconds() + " s");
            }
            throw new ChannelException(FailureKind.TRANSIENT, "The channel failed to send: " + e.getCause(), null, null, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MayHaveBeenSent("the host was interrupted while waiting for the channel's answer");
        }
    }

    private Instant handleFailure(OutboundQueue.Pending pending, ChannelRun run, ChannelException failure) {
        Instant now = clock.instant();
        String provider = run.provider().id();
        count(provider, failure.kind().name().toLowerCase());
        switch (failure.kind()) {
            case RATE_LIMITED -> {
                Instant until = now.plus(failure.retryAfter().orElse(Duration.ofSeconds(1)));
                pacer.pause(pending.channelId(), pending.conversationExternalId(), until);
                release(pending.messageId(), until, false, failure.getMessage());
                return until;
            }
            case RECIPIENT_BLOCKED -> {
                records.recipientBlocked(pending.messageId(), pending.memberId(), failure.getMessage());
                return null;
            }
            case INVALID_REQUEST, NOT_SUPPORTED, TOO_LARGE -> {
                records.failed(pending.messageId(), failure.kind(), failure.getMessage());
                return null;
            }
            case UNAUTHORIZED, CONFLICT -> {
                // the channel reports itself as needing attention; the message waits for it to run again
                Instant later = now.plus(CHANNEL_DOWN_RETRY);
                release(pending.messageId(), later, false, failure.getMessage());
                return later;
            }
            case UNCERTAIN -> {
                markUncertain(pending, failure.getMessage(), "connection_lost");
                return null;
            }
            case TRANSIENT -> {
                int attempts = pending.attempts() + 1;
                if (attempts >= properties.maxAttempts()) {
                    records.failed(pending.messageId(), failure.kind(),
                            failure.getMessage() + " (gave up after " + attempts + " attempts)");
                    return null;
                }
                Instant later = now.plus(retryBackoff.after(attempts));
                log.info("Message {} through channel {} was not sent ({}); attempt {} of {}, the next at {}",
                        pending.messageId(), pending.channelId(), failure.getMessage(), attempts,
                        properties.maxAttempts(), later);
                release(pending.messageId(), later, true, failure.getMessage());
                return later;
            }
        }
        return null;
    }

    /** A send that may have been carried out is never repeated by the host: an agent decides. */
    private void markUncertain(OutboundQueue.Pending pending, String reason, String cause) {
        log.warn("Message {} through channel {} may or may not have been delivered ({}); it is marked uncertain, "
                + "not sent again", pending.messageId(), pending.channelId(), reason);
        records.uncertain(pending.messageId(), reason);
        countUncertain(pending.kind(), cause);
    }

    private void count(String provider, String outcome) {
        meters.counter("smartchat.outbound", "provider", provider, "outcome", outcome).increment();
    }

    /**
     * @param kind the message's kind: GREETING or REPLY
     * @param cause {@code host_stopped} (found under way after its claim ended), {@code no_answer} (none within the
     *              send timeout) or {@code connection_lost} (the plugin lost the connection after sending)
     */
    private void countUncertain(String kind, String cause) {
        meters.counter("smartchat.outbound.uncertain", "kind", kind.toLowerCase(Locale.ROOT), "cause", cause).increment();
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        running = true;
        loop = Thread.ofVirtual().name("outbound-dispatcher").start(this::dispatchLoop);
    }

    /** Stops claiming, then waits for sends under way up to the drain timeout; the rest stays queued. */
    @Override
    public void stop() {
        running = false;
        wakeUp();
        pacer.wakeAll(); // sends waiting in line for their turn go back to the queue now, not when they would ask
        try {
            loop.join(properties.drainTimeout());
            // handed over but not begun: due at once for whichever dispatcher runs next, rather than after the claim
            for (OutboundQueue.Pending pending; (pending = handedOver.poll()) != null; ) {
                queue.release(pending.messageId(), clock.instant(), false, null);
            }
            inFlight.awaitAdvanceInterruptibly(inFlight.arrive(), properties.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            log.warn("Shutdown: sends still under way after {}; their messages stay queued and go out after the restart",
                    properties.drainTimeout());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the channels (phase 0), so that sends under way can finish through them. */
    @Override
    public int getPhase() {
        return 100;
    }
}
