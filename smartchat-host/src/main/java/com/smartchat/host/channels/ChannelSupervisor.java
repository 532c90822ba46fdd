package com.smartchat.host.channels;

import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.InboundSink;
import com.smartchat.host.plugins.LoadedProvider;
import com.smartchat.host.retry.Backoff;
import com.smartchat.host.plugins.PluginChannel;
import com.smartchat.host.plugins.PluginCallException;
import com.smartchat.host.plugins.PluginRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs channels: opens and starts them through their provider, stops them, records every state change, restarts
 * failed ones with growing delays up to a cap, and leaves those that need an admin alone.
 *
 * <p>All changes to one channel happen under that channel's lock, so an admin's stop, a channel's own report and an
 * automatic restart never interleave. A report from a run that has since ended is ignored.
 */
@Component
public class ChannelSupervisor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChannelSupervisor.class);

    private final ChannelRepository channels;
    private final PluginRegistry plugins;
    private final ChannelSettingsCodec codec;
    private final ProviderConfiguration providerConfiguration;
    private final InboundEventStore inbound;
    private final ChannelProperties properties;
    private final WebhookAddresses webhookAddresses;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ChannelOwnership ownership;
    private final Backoff restartBackoff;

    private final ConcurrentMap<UUID, ChannelRun> runs = new ConcurrentHashMap<>();
    /** The runs whose channel finished starting: only these take sends. */
    private final Set<ChannelRun> started = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<UUID, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final ConcurrentMap<UUID, Restarts> restarts = new ConcurrentHashMap<>();
    /** Channels another host runs, opened here only to take their webhook requests. */
    private final ConcurrentMap<UUID, Receiver> receivers = new ConcurrentHashMap<>();
    /**
     * Counts receivers dropped, by channel (in 1,024 stripes), so that one opened with settings read before a change
     * is not kept after it.
     */
    private final AtomicLongArray receiversDropped = new AtomicLongArray(1024);
    private volatile ScheduledExecutorService timer;
    private volatile boolean running;

    public ChannelSupervisor(ChannelRepository channels, PluginRegistry plugins, ChannelSettingsCodec codec,
                             ProviderConfiguration providerConfiguration, InboundEventStore inbound,
                             ChannelProperties properties, Clock clock, MeterRegistry meters,
                             ChannelOwnership ownership, WebhookAddresses webhookAddresses) {
        this.channels = channels;
        this.webhookAddresses = webhookAddresses;
        this.plugins = plugins;
        this.codec = codec;
        this.providerConfiguration = providerConfiguration;
        this.inbound = inbound;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.ownership = ownership;
        this.restartBackoff = new Backoff(properties.restartDelay(), properties.maxRestartDelay());
    }

    /** One run of a channel: from a successful open to its stop. */
    public record ChannelRun(UUID channelId, LoadedProvider provider, PluginChannel channel, HostChannelContext context,
                             Instant startedAt) {
    }

    /** Automatic restarts in a row of one channel, and the one scheduled next. */
    private record Restarts(int count, ScheduledFuture<?> next) {
    }

    /**
     * Starts a channel because an admin asked: it is enabled from now on, and any crash-loop cap is lifted. It starts
     * here unless another live host owns it, which then starts it.
     */
    public void start(UUID channelId) {
        channels.setEnabled(channelId, true);
        if (ownership.holdOrTake(channelId)) {
            startHere(channelId);
        } else {
            dropReceiver(channelId); // the announcement reaches the other hosts only
        }
        ownership.announce(channelId, ChannelOwnership.Action.START);
    }

    /** Stops a channel because an admin asked: it stays stopped, also across host restarts. */
    public void stop(UUID channelId) {
        channels.setEnabled(channelId, false);
        if (ownership.holdOrTake(channelId)) {
            stopHere(channelId);
        } else {
            dropReceiver(channelId); // the announcement reaches the other hosts only
        }
        ownership.announce(channelId, ChannelOwnership.Action.STOP);
    }

    /** Stops and starts a channel, for example after its settings changed, on the host that owns it. */
    public void restart(UUID channelId) {
        channels.setEnabled(channelId, true);
        if (ownership.holdOrTake(channelId)) {
            restartHere(channelId);
        } else {
            dropReceiver(channelId); // the announcement reaches the other hosts only
        }
        ownership.announce(channelId, ChannelOwnership.Action.RESTART);
    }

    /** Stops a channel that is being deleted, recording nothing, on the host that owns it. */
    public void forget(UUID channelId) {
        if (ownership.holds(channelId)) {
            forgetHere(channelId);
        } else {
            dropReceiver(channelId);
        }
        ownership.announce(channelId, ChannelOwnership.Action.FORGET);
    }

    /**
     * Carries out what an admin asked of a channel on another host, when this host owns the channel; otherwise
     * forgets what it keeps of the channel (its webhook receiver, opened with settings that may have changed).
     */
    public void carryOut(UUID channelId, ChannelOwnership.Action action) {
        if (!ownership.holds(channelId)) {
            dropReceiver(channelId);
            return;
        }
        switch (action) {
            case START -> startHere(channelId);
            case STOP -> stopHere(channelId);
            case RESTART -> restartHere(channelId);
            case FORGET -> forgetHere(channelId);
        }
    }

    private void startHere(UUID channelId) {
        withLock(channelId, () -> {
            cancelRestart(channelId);
            launch(channelId);
        });
    }

    private void stopHere(UUID channelId) {
        withLock(channelId, () -> {
            cancelRestart(channelId);
            halt(channelId);
            channels.recordState(channelId, ChannelState.STOPPED, "Stopped by an admin", "Press Start to run it again.");
        });
        ownership.release(channelId);
    }

    private void restartHere(UUID channelId) {
        withLock(channelId, () -> {
            cancelRestart(channelId);
            halt(channelId);
            launch(channelId);
        });
    }

    private void forgetHere(UUID channelId) {
        withLock(channelId, () -> {
            cancelRestart(channelId);
            halt(channelId);
        });
        locks.remove(channelId);
    }

    /**
     * Starts channels whose leases this host just took, paced as at boot ({@link #start()}).
     */
    public void adopt(List<UUID> channelIds) {
        if (running) {
            launchPaced(channelIds);
        }
    }

    /**
     * Stops a channel whose lease this host no longer holds (another host took it, or the lease could not be
     * renewed in time), recording nothing: its state is its new owner's to tell.
     */
    public void relinquish(UUID channelId) {
        withLock(channelId, () -> {
            cancelRestart(channelId);
            halt(channelId);
        });
    }

    /** Stops a channel cleanly and only then gives its lease back, for a host with fewer channels to take. */
    public void handOver(UUID channelId) {
        relinquish(channelId);
        ownership.release(channelId);
    }

    /** The current run of a channel, when it runs. */
    public Optional<ChannelRun> run(UUID channelId) {
        return Optional.ofNullable(runs.get(channelId));
    }

    /**
     * The current run of a channel whose start has finished: a channel still starting cannot send yet, and a send
     * handed to it would only fail.
     */
    public Optional<ChannelRun> startedRun(UUID channelId) {
        ChannelRun run = runs.get(channelId);
        return run != null && started.contains(run) ? Optional.of(run) : Optional.empty();
    }

    /** What a running channel says of itself, asked under the call timeout; empty when it does not run. */
    public Optional<ChannelStatus> liveStatus(UUID channelId) {
        ChannelRun run = runs.get(channelId);
        if (run == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(run.channel().status("ask channel " + channelId + " for its status",
                    properties.callTimeout()));
        } catch (PluginCallException e) {
            return Optional.of(ChannelStatus.of(ChannelState.DEGRADED, e.getMessage(), null));
        }
    }

    /**
     * What takes a webhook request for a channel: its run on this host, or, where another host runs it, the channel
     * opened here without starting it, when its plugin can take requests that way (kept for the next request).
     */
    public Optional<PluginChannel> webhookTaker(UUID channelId) {
        ChannelRun run = runs.get(channelId);
        if (run != null) {
            return Optional.of(run.channel());
        }
        return receiver(channelId).filter(Receiver::takesWebhooks).map(Receiver::channel);
    }

    /**
     * A channel to ask for what it knows (a file's content, SPI 1.4): its run on this host, or, where another host
     * runs it, the channel opened here without starting it, as for webhooks. Empty when the channel runs nowhere
     * that this host knows of, or could not be opened.
     */
    public Optional<PluginChannel> opened(UUID channelId) {
        ChannelRun run = runs.get(channelId);
        return run != null ? Optional.of(run.channel()) : receiver(channelId).map(Receiver::channel);
    }

    /** The channel opened here, not started, for a channel another host runs (kept for the next request). */
    private Optional<Receiver> receiver(UUID channelId) {
        if (ownership.runsEveryChannel() || !running) {
            return Optional.empty();
        }
        Receiver receiver = receivers.get(channelId);
        while (receiver == null) {
            int stripe = Math.floorMod(channelId.hashCode(), receiversDropped.length());
            long dropped = receiversDropped.get(stripe);
            Receiver opened = openReceiver(channelId);
            if (opened == null) {
                return Optional.empty();
            }
            Receiver raced = receivers.putIfAbsent(channelId, opened);
            if (raced != null) {
                close(opened, channelId);
                receiver = raced;
            } else if (receiversDropped.get(stripe) == dropped) {
                receiver = opened;
            } else {
                // a change was announced while this one read the settings, which may be the old ones: open again
                // (a drop after the check above removes it itself: dropReceiver counts before it removes)
                receivers.remove(channelId, opened);
                close(opened, channelId);
            }
        }
        return Optional.of(receiver);
    }

    /** A channel opened, not started, to take webhook requests for the host that runs it. */
    private record Receiver(LoadedProvider provider, PluginChannel channel, HostChannelContext context,
                            boolean takesWebhooks) {
    }

    private Receiver openReceiver(UUID channelId) {
        ChannelRecord record = channels.find(channelId).orElse(null);
        LoadedProvider provider = record == null || !record.enabled() ? null
                : plugins.find(record.provider()).orElse(null);
        if (provider == null) {
            return null;
        }
        try {
            HostChannelContext context = new HostChannelContext(channelId, provider.id(), settings(record, provider),
                    sink(channelId), webhookAddresses.of(record), clock, new HostChannelMetrics(meters, provider.id()),
                    this::onReport);
            PluginChannel channel = provider.open("open channel " + channelId + " for its webhook", context,
                    properties.callTimeout());
            return new Receiver(provider, channel, context, channel.receivesWebhooksUnstarted());
        } catch (PluginCallException | RuntimeException e) {
            log.warn("Channel {} could not be opened for a webhook request: {}", channelId, e.getMessage());
            return null;
        }
    }

    /** Forgets the webhook receiver of a channel, if this host keeps one. */
    private void dropReceiver(UUID channelId) {
        receiversDropped.incrementAndGet(Math.floorMod(channelId.hashCode(), receiversDropped.length()));
        Receiver receiver = receivers.remove(channelId);
        if (receiver != null) {
            close(receiver, channelId);
        }
    }

    private void close(Receiver receiver, UUID channelId) {
        try {
            receiver.channel().stop("stop the webhook receiver of channel " + channelId, properties.stopTimeout());
        } catch (PluginCallException e) {
            log.warn("The webhook receiver of channel {} did not stop cleanly: {}", channelId, e.getMessage());
        } finally {
            receiver.context().close();
        }
    }

    /** The channels that run here on these providers, such as those of a plugin version being replaced. */
    public List<UUID> runningOn(Collection<LoadedProvider> providers) {
        return runs.values().stream()
                .filter(run -> providers.contains(run.provider()))
                .map(ChannelRun::channelId)
                .toList();
    }

    /**
     * Moves a channel that runs here onto the provider the registry hands out now for its provider id (another
     * version of its plugin): stops it, then starts it, keeping its lease throughout, so that no other host takes
     * it meanwhile. What its network still holds for it (updates the old run did not confirm) reaches the new run.
     *
     * @return why it does not run now; empty when it runs, or is no longer this host's to run
     */
    public Optional<String> move(UUID channelId) {
        AtomicReference<String> failure = new AtomicReference<>();
        withLock(channelId, () -> {
            cancelRestart(channelId);
            halt(channelId);
            launch(channelId);
            ChannelRecord record = channels.find(channelId).orElse(null);
            if (!runs.containsKey(channelId) && record != null && record.enabled() && ownership.holds(channelId)) {
                failure.set(Objects.requireNonNullElse(record.stateReason(), "it did not start"));
            }
        });
        return Optional.ofNullable(failure.get());
    }

    /**
     * Forgets the webhook receivers that these providers opened (another host runs their channels): the next
     * request opens one with the provider the registry hands out then.
     */
    public void dropReceiversOf(Collection<LoadedProvider> providers) {
        receivers.forEach((channelId, receiver) -> {
            if (providers.contains(receiver.provider())) {
                dropReceiver(channelId);
            }
        });
    }

    /** How many channels run now. */
    public int runningCount() {
        return runs.size();
    }

    private void launch(UUID channelId) {
        launch(channelId, false);
    }

    /** @param quietly log the start at debug level (one of many at boot) */
    private void launch(UUID channelId, boolean quietly) {
        ChannelRecord record = channels.find(channelId).orElse(null);
        if (record == null || !record.enabled() || runs.containsKey(channelId) || !running
                || !ownership.holds(channelId)) {
            return;
        }
        LoadedProvider provider = plugins.find(record.provider()).orElse(null);
        if (provider == null) {
            channels.recordState(channelId, ChannelState.NEEDS_ATTENTION,
                    "The plugin for '" + record.provider() + "' is not loaded",
                    "Install the plugin's jar in the plugins directory and restart the host; the Providers page shows why a plugin failed to load.");
            return;
        }
        dropReceiver(channelId); // runs here from now on: its run takes the webhook requests
        channels.recordState(channelId, ChannelState.STARTING, null, null);
        HostChannelContext context;
        PluginChannel channel;
        try {
            ChannelSettings settings = settings(record, provider);
            context = new HostChannelContext(channelId, provider.id(), settings, sink(channelId),
                    webhookAddresses.of(record), clock, new HostChannelMetrics(meters, provider.id()), this::onReport);
            channel = provider.open("open channel " + channelId, context, properties.callTimeout());
        } catch (PluginCallException | RuntimeException e) {
            failed(channelId, "The channel could not be opened: " + e.getMessage(), null, null);
            return;
        }
        ChannelRun run = new ChannelRun(channelId, provider, channel, context, clock.instant());
        runs.put(channelId, run);
        try {
            channel.start("start channel " + channelId, properties.startTimeout());
            started.add(run);
            channels.recordState(channelId, ChannelState.RUNNING, null, null);
            if (quietly) {
                log.debug("Channel {} ({}) is running", channelId, provider.id());
            } else {
                log.info("Channel {} ({}) is running", channelId, provider.id());
            }
        } catch (PluginCallException e) {
            halt(channelId);
            if (e.getCause() instanceof ChannelException failure && needsAdmin(failure.kind())) {
                channels.recordState(channelId, ChannelState.NEEDS_ATTENTION, failure.getMessage(),
                        failure.fixHint().orElse(null));
            } else {
                String reason = e.getCause() instanceof ChannelException failure ? failure.getMessage() : e.getMessage();
                String hint = e.getCause() instanceof ChannelException failure ? failure.fixHint().orElse(null) : null;
                failed(channelId, reason, hint, null);
            }
        }
    }

    /** Failures at start that retrying cannot mend: a wrong credential, a competitor, a wrong setting. */
    private static boolean needsAdmin(FailureKind kind) {
        return kind == FailureKind.UNAUTHORIZED || kind == FailureKind.CONFLICT || kind == FailureKind.INVALID_REQUEST;
    }

    /** The channel's settings, migrated and saved first when they were written for an older schema. */
    private ChannelSettings settings(ChannelRecord record, LoadedProvider provider) throws PluginCallException {
        Map<String, Object> values = codec.decode(record.id(), record.settingsJson(), record.secretsCiphertext());
        int current = provider.schema().version();
        if (record.settingsVersion() < current) {
            Map<String, Object> old = values;
            values = provider.migrateSettings("migrate the settings of channel " + record.id(),
                    record.settingsVersion(), old, properties.callTimeout());
            ChannelSettingsCodec.StoredSettings stored = codec.encode(record.id(), values);
            channels.updateSettings(record.id(), record.name(), current, stored.settingsJson(),
                    stored.secretsCiphertext(), record.identity());
            log.info("Migrated the settings of channel {} from version {} to {}", record.id(),
                    record.settingsVersion(), current);
        }
        return new ChannelSettings(current, values, providerConfiguration.forProvider(provider));
    }

    /** The channel's sink: refuses events while the host shuts down, so the channel does not confirm them. */
    private InboundSink sink(UUID channelId) {
        return new InboundSink() {
            @Override
            public void deliver(InboundEvent event) throws DeliveryException {
                requireRunning();
                inbound.store(channelId, event);
            }

            @Override
            public void deliver(List<? extends InboundEvent> events) throws DeliveryException {
                requireRunning();
                inbound.store(channelId, events);
            }

            @Override
            public void setAside(String eventId, String type, String payload, String reason)
                    throws DeliveryException {
                requireRunning();
                inbound.setAside(channelId, eventId, type, payload, reason);
            }
        };
    }

    private void requireRunning() throws DeliveryException {
        if (!running) {
            throw new DeliveryException("The host is shutting down; deliver again later", null);
        }
    }

    private void onReport(HostChannelContext reporter, ChannelStatus status) {
        UUID channelId = UUID.fromString(reporter.channelId());
        // Handled on a thread of its own: the report may come from a thread that stopping the channel interrupts.
        Thread.ofVirtual().name("channel-report").start(() -> withLock(channelId, () -> {
            ChannelRun current = runs.get(channelId);
            if (current == null || current.context() != reporter) {
                return; // a late report from a run that has ended
            }
            if (!running) {
                return; // stopping: what a channel says now (it cannot store, say) is about the stop, not the channel
            }
            if (!ownership.holds(channelId)) {
                return; // its lease is gone: what it says now (another host's poll ended its own) is the handover
            }
            switch (status.state()) {
                case NEEDS_ATTENTION -> {
                    halt(channelId);
                    channels.recordState(channelId, ChannelState.NEEDS_ATTENTION, status.reason(), status.fixHint());
                    log.warn("Channel {} needs attention: {}", channelId, status.reason());
                }
                case FAILED, STOPPED -> {
                    halt(channelId);
                    failed(channelId, status.reason(), status.fixHint(), current);
                }
                case RUNNING, DEGRADED -> {
                    ChannelRecord record = channels.find(channelId).orElse(null);
                    if (record != null && (record.state() != status.state()
                            || !Objects.equals(record.stateReason(), status.reason()))) {
                        channels.recordState(channelId, status.state(), status.reason(), status.fixHint());
                    }
                }
                case CREATED, STARTING -> {
                    // not for a channel to say: the host decides when a channel is created or starting
                }
            }
        }));
    }

    /**
     * Records a failure and schedules the next automatic restart, unless the crash-loop cap is reached.
     *
     * @param endedRun the run that failed after it had started, or {@code null} when it never started
     */
    private void failed(UUID channelId, String reason, String fixHint, ChannelRun endedRun) {
        Restarts previous = restarts.get(channelId);
        int count = previous == null || ranLongEnough(endedRun) ? 1 : previous.count() + 1;
        if (count > properties.maxRestarts()) {
            channels.recordState(channelId, ChannelState.FAILED,
                    reason + " (gave up after " + properties.maxRestarts() + " automatic restarts)",
                    fixHint != null ? fixHint : "Fix the cause, then press Start.");
            restarts.remove(channelId);
            log.warn("Channel {} failed {} times in a row; no more automatic restarts: {}", channelId,
                    properties.maxRestarts(), reason);
            return;
        }
        Duration delay = restartDelay(count);
        channels.recordState(channelId, ChannelState.FAILED, reason, fixHint != null ? fixHint
                : "The host restarts it in " + delay.toSeconds() + " s; press Start to try now.");
        if (!running) {
            return; // shutting down: the next boot starts it
        }
        ScheduledFuture<?> next = timer.schedule(
                () -> Thread.ofVirtual().start(() -> withLock(channelId, () -> launch(channelId))),
                delay.toMillis(), TimeUnit.MILLISECONDS);
        restarts.put(channelId, new Restarts(count, next));
        log.warn("Channel {} failed; restart {} of at most {} in {}: {}", channelId, count, properties.maxRestarts(),
                delay, reason);
    }

    private boolean ranLongEnough(ChannelRun run) {
        return run != null && Duration.between(run.startedAt(), clock.instant()).compareTo(properties.stableAfter()) >= 0;
    }

    private Duration restartDelay(int count) {
        return restartBackoff.after(count);
    }

    private void cancelRestart(UUID channelId) {
        Restarts pending = restarts.remove(channelId);
        if (pending != null) {
            pending.next().cancel(false);
        }
    }

    /** Stops the current run, if any, within the stop timeout, and releases its threads. */
    private void halt(UUID channelId) {
        ChannelRun run = runs.remove(channelId);
        if (run == null) {
            return;
        }
        started.remove(run);
        try {
            run.channel().stop("stop channel " + channelId, properties.stopTimeout());
        } catch (PluginCallException e) {
            log.warn("Channel {} did not stop cleanly and was abandoned: {}", channelId, e.getMessage());
        } finally {
            run.context().close();
        }
    }

    private void withLock(UUID channelId, Runnable work) {
        ReentrantLock lock = locks.computeIfAbsent(channelId, id -> new ReentrantLock());
        lock.lock();
        try {
            work.run();
        } catch (RuntimeException e) {
            log.error("Handling channel {} failed", channelId, e);
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts every enabled channel without holding up the host's start, when this host runs every channel; with
     * leases, the channels come as their leases are taken ({@link #adopt}).
     */
    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("channel-restarts").factory());
        running = true;
        if (ownership.runsEveryChannel()) {
            launchPaced(channels.findEnabled().stream()
                    .filter(channel -> channel.state() != ChannelState.NEEDS_ATTENTION)
                    .map(ChannelRecord::id)
                    .toList());
        }
    }

    /**
     * Starts channels in the background: a bounded number at once, and at most {@code startup-rate} a second, each
     * at a random moment of its slot, so that thousands of channels starting together never call their network in
     * lock step. One line sums it up; each channel's start is logged at debug level.
     */
    private void launchPaced(List<UUID> channelIds) {
        if (channelIds.isEmpty()) {
            return;
        }
        int rate = properties.startupRate();
        log.info("Starting {} channels, {} at a time{}", channelIds.size(), properties.startupConcurrency(),
                rate > 0 ? ", at most " + rate + " a second" : "");
        Semaphore permits = new Semaphore(properties.startupConcurrency());
        long slot = rate > 0 ? 1_000_000_000L / rate : 0;
        long begun = System.nanoTime();
        CountDownLatch done = new CountDownLatch(channelIds.size());
        Thread.ofVirtual().name("channel-boot").start(() -> {
            long slotStart = System.nanoTime();
            for (UUID channelId : channelIds) {
                if (slot > 0) {
                    long at = slotStart + ThreadLocalRandom.current().nextLong(slot);
                    slotStart += slot;
                    long wait = at - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                permits.acquireUninterruptibly();
                if (!running) {
                    permits.release();
                    return;
                }
                Thread.ofVirtual().start(() -> {
                    try {
                        withLock(channelId, () -> launch(channelId, true));
                    } finally {
                        permits.release();
                        done.countDown();
                    }
                });
            }
            try {
                if (done.await(1, TimeUnit.HOURS)) {
                    long started = channelIds.stream().filter(runs::containsKey).count();
                    log.info("Started {} of {} channels in {} ms", started, channelIds.size(),
                            (System.nanoTime() - begun) / 1_000_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Stops intake, then every channel in parallel, each within the stop timeout, giving its lease back as soon as
     * it stopped.
     */
    @Override
    public void stop() {
        running = false;
        timer.shutdownNow();
        List.copyOf(receivers.keySet()).forEach(this::dropReceiver);
        List<Thread> stopping = new ArrayList<>();
        for (UUID channelId : List.copyOf(runs.keySet())) {
            stopping.add(Thread.ofVirtual().start(() -> {
                withLock(channelId, () -> halt(channelId));
                ownership.release(channelId); // another host can take it now, not when the lease ends
            }));
        }
        for (Thread thread : stopping) {
            try {
                thread.join(properties.stopTimeout().plusSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.info("Stopped {} channels", stopping.size());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Channels stop after the web server and the outbound dispatcher, which have higher phases. */
    @Override
    public int getPhase() {
        return 0;
    }
}
