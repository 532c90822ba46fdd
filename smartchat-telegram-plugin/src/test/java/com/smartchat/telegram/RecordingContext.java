package com.smartchat.telegram;

import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelMetrics;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.InboundSink;
import com.smartchat.channel.tck.TestChannelContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kit's {@link TestChannelContext}, seen through a sink that also records every stored delivery, repeats
 * included, in a list several channels can share (to see duplicates across a restart), and that can throw an
 * unchecked exception on command (a host bug the channel must survive). It can also give the channel a webhook
 * address, as a host with a public address does.
 */
final class RecordingContext implements ChannelContext {

    private final TestChannelContext delegate;
    private final List<InboundEvent> stored;
    private final AtomicInteger uncheckedFailures = new AtomicInteger();
    /** The size of every batch stored whole, in order. */
    private final List<Integer> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String webhookUrl;
    private final ChannelSettings settings;

    RecordingContext(TestChannelContext delegate, List<InboundEvent> stored) {
        this(delegate, stored, null);
    }

    /** With {@code webhookUrl} as the channel's webhook address, or none when {@code null}. */
    RecordingContext(TestChannelContext delegate, List<InboundEvent> stored, String webhookUrl) {
        this(delegate, stored, webhookUrl, null);
    }

    /** With other settings than the kit's, so that channels of different settings can share one kit's sink. */
    RecordingContext(TestChannelContext delegate, List<InboundEvent> stored, String webhookUrl,
                     ChannelSettings settings) {
        this.delegate = delegate;
        this.stored = stored;
        this.webhookUrl = webhookUrl;
        this.settings = settings;
    }

    @Override
    public Optional<String> webhookUrl() {
        return Optional.ofNullable(webhookUrl);
    }

    /** Makes the next {@code count} deliveries throw {@link IllegalStateException}. */
    void throwUncheckedOnNext(int count) {
        uncheckedFailures.set(count);
    }

    @Override
    public InboundSink inbound() {
        InboundSink sink = delegate.inbound();
        return new InboundSink() {
            @Override
            public void deliver(InboundEvent event) throws DeliveryException {
                if (uncheckedFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw new IllegalStateException("a host bug, thrown on purpose by the test");
                }
                sink.deliver(event);
                synchronized (stored) {
                    stored.add(event);
                    stored.notifyAll();
                }
            }

            /**
             * Records a batch only once the whole of it was stored, as a host that stores a batch in one
             * transaction would: what a failed batch stored is not a delivery the channel made twice.
             */
            @Override
            public void deliver(List<? extends InboundEvent> events) throws DeliveryException {
                for (InboundEvent event : events) {
                    if (uncheckedFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new IllegalStateException("a host bug, thrown on purpose by the test");
                    }
                    sink.deliver(event);
                }
                batches.add(events.size());
                synchronized (stored) {
                    stored.addAll(events);
                    stored.notifyAll();
                }
            }

            @Override
            public void setAside(String eventId, String type, String payload, String reason)
                    throws DeliveryException {
                sink.setAside(eventId, type, payload, reason);
            }
        };
    }

    /** The size of every batch stored whole through {@code deliver(List)}, in order. */
    List<Integer> batches() {
        return batches;
    }

    static List<InboundEvent> sharedList() {
        return new ArrayList<>();
    }

    @Override
    public String channelId() {
        return delegate.channelId();
    }

    @Override
    public ChannelSettings settings() {
        return settings != null ? settings : delegate.settings();
    }

    @Override
    public ExecutorService executor() {
        return delegate.executor();
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return delegate.scheduler();
    }

    @Override
    public Clock clock() {
        return delegate.clock();
    }

    @Override
    public ChannelMetrics metrics() {
        return delegate.metrics();
    }

    @Override
    public System.Logger logger() {
        return delegate.logger();
    }

    @Override
    public void report(ChannelStatus status) {
        delegate.report(status);
    }
}
