package com.smartchat.telegram;

import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.InboundEvent;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * Stores one poll's answer, confirming nothing that was not stored or set aside:
 * <ol>
 *   <li>the events of the answer go to the host in one {@code deliver(List)}, and the {@link Offset} moves past
 *       them only after it returned;</li>
 *   <li>when that call throws, the updates go one by one, in order: each one that still fails is delivered again
 *       with backoff (the channel shows DEGRADED) and set aside after {@link TelegramChannel#ATTEMPTS} failed
 *       attempts, so that no update stalls the channel; the offset moves past each one handled;</li>
 *   <li>an update without a usable id is never delivered: it is set aside (once, although Telegram serves it again
 *       until a later update is confirmed);</li>
 *   <li>the offset never moves back, so a polled update is never read twice by one channel.</li>
 * </ol>
 * Runs on the poller's thread only. Not the SPI's {@code Redelivery}, which never gives up and is stopped by
 * interruption: an update must be set aside after a few attempts, the poller stops on its latch, and the channel's
 * status weighs the host's failures with Telegram's ({@link ChannelRun#condition}).
 */
final class PolledUpdates {

    /** The wait after an answer that held nothing confirmable. */
    private static final Duration IDLESS_PAUSE = Duration.ofSeconds(1);

    private final ChannelRun run;
    private final CountDownLatch stopping;
    /** Digests of the polled updates without id set aside lately, most recent last. */
    private final Set<String> idlessSetAside = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1_000;
        }
    });
    /** Failed deliveries in a row. */
    private int failures;

    PolledUpdates(ChannelRun run, CountDownLatch stopping) {
        this.run = run;
        this.stopping = stopping;
    }

    /** Stores or sets aside every update of the answer; {@code false} when the channel stopped meanwhile. */
    boolean store(List<Update> answer) {
        List<PollRequest.RawUpdate> updates = new ArrayList<>(answer.size());
        for (Update update : answer) {
            updates.add((PollRequest.RawUpdate) update); // PollRequest reads every update so
        }
        Integer before = run.offset.next();
        List<InboundEvent> events = new ArrayList<>(updates.size());
        for (PollRequest.RawUpdate update : updates) {
            events.add(update.idless ? null : run.mapper.map(update));
        }
        boolean oneByOne = !deliverAll(events.stream().filter(Objects::nonNull).toList());
        for (int i = 0; i < updates.size(); i++) {
            PollRequest.RawUpdate update = updates.get(i);
            if ((oneByOne || update.idless) && (stopped() || !storeOrSetAside(update, events.get(i)))) {
                return false; // what is left stays unconfirmed: Telegram sends it again
            }
            if (!update.idless) {
                run.offset.passed(update.getUpdateId());
                run.answerButton(update);
            }
        }
        if (!updates.isEmpty() && Objects.equals(before, run.offset.next())) {
            // nothing confirmable (updates without an id): Telegram answers the next poll at once with the same,
            // so wait a little rather than spin until a good update comes after them
            return !await(IDLESS_PAUSE);
        }
        return true;
    }

    /** The events in one call; {@code false} when it threw (the host stored none of them, or some, as it can). */
    private boolean deliverAll(List<InboundEvent> events) {
        if (events.isEmpty()) {
            return true;
        }
        try {
            run.context.inbound().deliver(events);
        } catch (DeliveryException | RuntimeException e) {
            run.metric("deliveries.failed");
            run.log.log(Level.INFO, "Storing {0} Telegram updates together failed; delivering them one by one: {1}",
                    events.size(), Redactor.describe(e, run.token()));
            return false;
        }
        for (InboundEvent event : events) {
            run.metric("updates.received", "event", event.getClass().getSimpleName());
        }
        healthy();
        return true;
    }

    /**
     * Stores the update, or sets it aside: at once when it has no usable id, after {@link TelegramChannel#ATTEMPTS}
     * failed deliveries otherwise. Keeps trying, with backoff, while the host can do neither (its database is
     * down); {@code false} when the channel stops meanwhile.
     */
    private boolean storeOrSetAside(PollRequest.RawUpdate update, InboundEvent event) {
        int attempts = 0;
        while (true) {
            try {
                if (event == null) {
                    String digest = digest(update.text);
                    if (!idlessSetAside.contains(digest)) {
                        run.setAside(update, null, "The update has no usable update_id");
                        idlessSetAside.add(digest);
                    }
                } else {
                    try {
                        run.context.inbound().deliver(event);
                        run.metric("updates.received", "event", event.getClass().getSimpleName());
                    } catch (DeliveryException | RuntimeException e) {
                        if (++attempts < TelegramChannel.ATTEMPTS) {
                            throw e;
                        }
                        run.setAside(update, event, "Could not be stored after " + attempts + " attempts: "
                                + Redactor.redact(String.valueOf(e.getMessage()), run.token()));
                    }
                }
                healthy();
                return true;
            } catch (DeliveryException | RuntimeException e) {
                failures++;
                run.metric("deliveries.failed");
                Duration wait = Backoff.DEFAULT.next(failures, null);
                String reason = "SmartChat could not store received Telegram messages ("
                        + Redactor.redact(String.valueOf(e.getMessage()), run.token())
                        + "); they stay unconfirmed at Telegram and are retried in " + ChannelRun.seconds(wait);
                if (failures == 1 || failures % 10 == 0) {
                    run.log.log(Level.WARNING, "Delivering Telegram update {0} failed (attempt {1}): {2}",
                            update.idless ? "without id" : update.getUpdateId(), failures,
                            Redactor.describe(e, run.token()));
                }
                run.condition(false, reason, null);
                if (await(wait)) {
                    return false;
                }
            }
        }
    }

    private void healthy() {
        if (failures > 0) {
            failures = 0;
            run.condition(true, null, null);
        }
    }

    private boolean stopped() {
        return stopping.getCount() == 0 || run.over();
    }

    /** Waits; {@code true} when the channel stopped meanwhile. */
    private boolean await(Duration wait) {
        try {
            return stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS) || stopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
