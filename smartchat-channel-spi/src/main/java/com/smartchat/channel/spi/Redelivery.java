package com.smartchat.channel.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Hands events to the host again and again until it stored them: the loop every channel that holds what it received
 * needs, since only a stored event may be confirmed to the network (see {@link InboundSink}). For example, on the
 * thread that receives, a task on {@link ChannelContext#executor()}:
 * <pre>{@code
 * Redelivery redelivery = new Redelivery(context, context::report);
 * while (true) {
 *     List<InboundEvent> events = network.receive();
 *     redelivery.deliver(events);   // returns once the host stored them all
 *     network.confirm(events);
 * }
 * }</pre>
 *
 * <p>While the host cannot store (its database is down, it is failing over), {@code deliver} waits and tries
 * again, first after {@link #FIRST_PAUSE}, each pause twice the one before, up to {@link #LONGEST_PAUSE}. It reports
 * the channel {@link ChannelState#DEGRADED} at the first failure and {@link ChannelState#RUNNING} once the events
 * are stored, and logs the failures on {@link ChannelContext#logger()} (the first, then every tenth), naming event
 * ids, never their content. It tries again after a {@link RuntimeException} too: a bug must not end the channel's
 * receiving loop and strand what follows.
 *
 * <p>It never gives up, so nothing after the events goes first. Stop it by interrupting its thread, as the host
 * does to the executor's tasks when the channel stops: {@code deliver} then throws {@link InterruptedException}, and
 * the events are perhaps not stored; keep them, unconfirmed, to deliver after the next start.
 *
 * <p>Where an event may never be storable (the network's input can be malformed), deliver it yourself a bounded
 * number of times and {@linkplain InboundSink#setAside set it aside} then, as {@link InboundSink} asks. A webhook
 * does not wait either: it answers 503, and the network's resending is the retry.
 *
 * <p>Use one instance from one thread at a time: its reports describe its own attempts.
 *
 * @since 1.4
 */
public final class Redelivery {

    /** The pause after the first failed attempt. */
    public static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    /** The longest pause between two attempts. */
    public static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    private static final String DEGRADED_REASON = "SmartChat could not store what this channel received; the channel "
            + "keeps trying and confirms nothing to the network meanwhile.";

    private final InboundSink sink;
    private final System.Logger logger;
    private final Consumer<ChannelStatus> report;

    /**
     * @param context the channel's context: its {@link ChannelContext#inbound()} and {@link ChannelContext#logger()}
     * @param report where the channel's condition goes: {@code context::report}, or a method of a channel that also
     *               answers {@link Channel#status()} from what it reported, which calls {@code context.report}
     */
    public Redelivery(ChannelContext context, Consumer<ChannelStatus> report) {
        this.sink = Objects.requireNonNull(context.inbound(), "The context has no inbound sink");
        this.logger = context.logger();
        this.report = Objects.requireNonNull(report, "Say where reports go, such as context::report");
    }

    /**
     * Delivers one event until the host stored it, or did so before.
     *
     * @throws InterruptedException when the thread was interrupted while waiting: the event is perhaps not stored
     */
    public void deliver(InboundEvent event) throws InterruptedException {
        untilStored(() -> sink.deliver(event), "event " + event.eventId());
    }

    /**
     * Delivers a batch received together, in one {@link InboundSink#deliver(List)}, until the host stored it all.
     *
     * @param events the batch, in the network's order; nothing happens when it is empty
     * @throws InterruptedException when the thread was interrupted while waiting: the events are perhaps not stored
     */
    public void deliver(List<? extends InboundEvent> events) throws InterruptedException {
        if (!events.isEmpty()) {
            untilStored(() -> sink.deliver(events), events.size() + " events from " + events.getFirst().eventId());
        }
    }

    private interface Attempt {
        void run() throws DeliveryException;
    }

    private void untilStored(Attempt attempt, String what) throws InterruptedException {
        Duration pause = FIRST_PAUSE;
        for (int failures = 0; ; failures++) {
            try {
                attempt.run();
                if (failures > 0) {
                    logger.log(INFO, "Stored " + what + " after " + (failures + 1) + " attempts");
                    report.accept(ChannelStatus.running());
                }
                return;
            } catch (DeliveryException | RuntimeException e) {
                if (failures == 0) {
                    report.accept(ChannelStatus.of(ChannelState.DEGRADED, DEGRADED_REASON, null));
                }
                if (failures % 10 == 0) {
                    logger.log(WARNING, "Could not store " + what + " (attempt " + (failures + 1)
                            + "); trying again in " + pause.toMillis() + " ms", e);
                }
                Thread.sleep(pause);
                pause = next(pause);
            }
        }
    }

    /** The pause after {@code pause}: twice as long, at most {@link #LONGEST_PAUSE}. */
    static Duration next(Duration pause) {
        Duration doubled = pause.multipliedBy(2);
        return doubled.compareTo(LONGEST_PAUSE) < 0 ? doubled : LONGEST_PAUSE;
    }
}
