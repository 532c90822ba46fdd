package com.smartchat.host.outbound;

import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.SendReceipt;
import com.smartchat.host.channels.ChannelProperties;
import com.smartchat.host.channels.ChannelSupervisor;
import com.smartchat.host.channels.ChannelSupervisor.ChannelRun;
import com.smartchat.host.inbox.InboxChanged;
import com.smartchat.host.plugins.PluginCallException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Sends queued messages through their channels: paced by each provider's declared rate limits and by every
 * "retry after" a network answers, one at a time and in order within a conversation, retrying transient failures
 * with growing delays and never retrying a blocked recipient. What is not sent at shutdown stays queued.
 */
@Component
public class OutboundDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboundDispatcher.class);
    private static final Duration CHANNEL_DOWN_RETRY = Duration.ofSeconds(2);

    private final OutboundQueue queue;
    private final ChannelSupervisor supervisor;
    private final OutboundProperties properties;
    private final ChannelProperties channelProperties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final SendPacer pacer = new SendPacer();
    private final Set<UUID> busyConversations = ConcurrentHashMap.newKeySet();
    private final Semaphore wakeUp = new Semaphore(0);
    private final Phaser inFlight = new Phaser(1);
    private volatile boolean running;
    private Thread loop;

    public OutboundDispatcher(OutboundQueue queue, ChannelSupervisor supervisor, OutboundProperties properties,
                              ChannelProperties channelProperties, Clock clock, MeterRegistry meters) {
        this.queue = queue;
        this.supervisor = supervisor;
        this.properties = properties;
        this.channelProperties = channelProperties;
        this.clock = clock;
        this.meters = meters;
        Gauge.builder("smartchat.outbound.queue.depth", queue, OutboundQueue::depth)
                .description("Messages waiting to be sent")
                .register(meters);
    }

    /** Something was queued or a conversation changed: look for due messages now rather than at the next poll. */
    @EventListener
    public void onInboxChanged(InboxChanged change) {
        wakeUp();
    }

    /** Looks for due messages now. */
    public void wakeUp() {
        if (wakeUp.availablePermits() == 0) {
            wakeUp.release();
        }
    }

    private void dispatchLoop() {
        while (running) {
            try {
                List<OutboundQueue.Pending> due = queue.claimDue(properties.batchSize(), properties.lease());
                Map<UUID, List<OutboundQueue.Pending>> byConversation = new LinkedHashMap<>();
                for (OutboundQueue.Pending pending : due) {
                    byConversation.computeIfAbsent(pending.conversationId(), id -> new ArrayList<>()).add(pending);
                }
                byConversation.forEach(this::dispatchConversation);
                if (due.size() < properties.batchSize()) {
                    wakeUp.tryAcquire(properties.idlePoll().toMillis(), TimeUnit.MILLISECONDS);
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
                    Instant postponeTo = dispatch(messages.get(i));
                    if (postponeTo != null) {
                        messages.subList(i + 1, messages.size()).forEach(later ->
                                queue.release(later.messageId(), postponeTo, false, null));
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
        ChannelRun run = supervisor.run(pending.channelId()).orElse(null);
        if (run == null) {
            Instant later = now.plus(CHANNEL_DOWN_RETRY);
            queue.release(pending.messageId(), later, false, null);
            return later;
        }
        Instant paused = pacer.pausedUntil(pending.channelId(), pending.conversationExternalId(), now);
        Instant allowed = paused != null ? paused
                : pacer.reserve(pending.channelId(), pending.conversationExternalId(), pending.group(), run.provider().rateLimits(), now);
        if (allowed.isAfter(now)) {
            queue.release(pending.messageId(), allowed, false, null);
            return allowed;
        }
        String provider = run.provider().id();
        try {
            SendReceipt receipt = send(run, pending);
            queue.markSent(pending.messageId(), receipt.messageIds(), receipt.sentAt());
            count(provider, "sent");
            Timer.builder("smartchat.outbound.latency").description("From queued to accepted by the network")
                    .tag("provider", provider).register(meters)
                    .record(Duration.between(pending.createdAt().toInstant(), clock.instant()));
            return null;
        } catch (ChannelException failure) {
            return handleFailure(pending, run, failure);
        }
    }

    private SendReceipt send(ChannelRun run, OutboundQueue.Pending pending) throws ChannelException {
        OutboundMessage message = OutboundMessage.text(pending.conversationExternalId(), pending.text());
        try {
            return run.provider().call("send a message through channel " + pending.channelId(),
                    channelProperties.callTimeout(), () -> run.channel().send(message))
                    .toCompletableFuture().get(properties.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ChannelException failure) {
                throw failure;
            }
            throw new ChannelException(FailureKind.TRANSIENT, "The channel failed to send: " + e.getCause(), null, null, e.getCause());
        } catch (TimeoutException e) {
            throw new ChannelException(FailureKind.TRANSIENT,
                    "The channel did not confirm the send within " + properties.sendTimeout().toSeconds() + " s");
        } catch (PluginCallException e) {
            throw new ChannelException(FailureKind.TRANSIENT, e.getMessage(), null, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelException(FailureKind.TRANSIENT, "Interrupted while sending");
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
                queue.release(pending.messageId(), until, false, failure.getMessage());
                return until;
            }
            case RECIPIENT_BLOCKED -> {
                queue.markFailed(pending.messageId(), failure.kind(), failure.getMessage());
                if (pending.memberId() != null) {
                    queue.markBlocked(pending.memberId());
                }
                return null;
            }
            case INVALID_REQUEST -> {
                queue.markFailed(pending.messageId(), failure.kind(), failure.getMessage());
                return null;
            }
            case UNAUTHORIZED, CONFLICT -> {
                // the channel reports itself as needing attention; the message waits for it to run again
                Instant later = now.plus(CHANNEL_DOWN_RETRY);
                queue.release(pending.messageId(), later, false, failure.getMessage());
                return later;
            }
            case TRANSIENT -> {
                int attempts = pending.attempts() + 1;
                if (attempts >= properties.maxAttempts()) {
                    queue.markFailed(pending.messageId(), failure.kind(),
                            failure.getMessage() + " (gave up after " + attempts + " attempts)");
                    return null;
                }
                Duration delay = properties.retryDelay().multipliedBy(1L << Math.min(attempts - 1, 20));
                Instant later = now.plus(delay.compareTo(properties.maxRetryDelay()) > 0 ? properties.maxRetryDelay() : delay);
                queue.release(pending.messageId(), later, true, failure.getMessage());
                return later;
            }
        }
        return null;
    }

    private void count(String provider, String outcome) {
        meters.counter("smartchat.outbound", "provider", provider, "outcome", outcome).increment();
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
        try {
            loop.join(properties.drainTimeout());
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
