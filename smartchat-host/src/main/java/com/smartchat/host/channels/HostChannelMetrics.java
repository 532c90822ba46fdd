package com.smartchat.host.channels;

import com.smartchat.channel.spi.ChannelMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;

/**
 * Publishes a channel's counters and timers as Micrometer meters named {@code smartchat.channel.<name>}, tagged
 * with the provider. Not with the channel: thousands of channels would make thousands of series per meter.
 */
final class HostChannelMetrics implements ChannelMetrics {

    private final MeterRegistry registry;
    private final Tags providerTag;

    HostChannelMetrics(MeterRegistry registry, String providerId) {
        this.registry = registry;
        this.providerTag = Tags.of("provider", providerId);
    }

    @Override
    public void increment(String name, String... tags) {
        registry.counter("smartchat.channel." + name, providerTag.and(tags)).increment();
    }

    @Override
    public void record(String name, Duration duration, String... tags) {
        registry.timer("smartchat.channel." + name, providerTag.and(tags)).record(duration);
    }
}
