package com.smartchat.host.channels;

import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelMetrics;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.InboundSink;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BiConsumer;

/**
 * What the host lends one run of one channel. Its threads are virtual, so a channel costs memory, not platform
 * threads; {@link #close()} ends them all when the run ends.
 */
final class HostChannelContext implements ChannelContext, AutoCloseable {

    private final UUID channelId;
    private final ChannelSettings settings;
    private final InboundSink inbound;
    private final Optional<String> webhookUrl;
    private final Clock clock;
    private final ChannelMetrics metrics;
    private final System.Logger logger;
    private final BiConsumer<HostChannelContext, ChannelStatus> reports;
    private final ExecutorService executor;
    private final ScheduledThreadPoolExecutor scheduler;

    HostChannelContext(UUID channelId, String providerId, ChannelSettings settings, InboundSink inbound,
                       Optional<String> webhookUrl, Clock clock, ChannelMetrics metrics,
                       BiConsumer<HostChannelContext, ChannelStatus> reports) {
        this.channelId = channelId;
        this.settings = settings;
        this.inbound = inbound;
        this.webhookUrl = webhookUrl;
        this.clock = clock;
        this.metrics = metrics;
        this.reports = reports;
        this.logger = new ChannelLogger(providerId, channelId);
        String threadName = providerId + "-" + channelId.toString().substring(0, 8) + "-";
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(threadName, 0).factory());
        this.scheduler = new ScheduledThreadPoolExecutor(1, Thread.ofVirtual().name(threadName + "timer-", 0).factory());
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    @Override
    public String channelId() {
        return channelId.toString();
    }

    @Override
    public ChannelSettings settings() {
        return settings;
    }

    @Override
    public InboundSink inbound() {
        return inbound;
    }

    @Override
    public ExecutorService executor() {
        return executor;
    }

    @Override
    public Optional<String> webhookUrl() {
        return webhookUrl;
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public ChannelMetrics metrics() {
        return metrics;
    }

    @Override
    public System.Logger logger() {
        return logger;
    }

    @Override
    public void report(ChannelStatus status) {
        reports.accept(this, status);
    }

    /** Ends every thread of this run: running tasks are interrupted, scheduled ones cancelled. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        executor.shutdownNow();
    }
}
