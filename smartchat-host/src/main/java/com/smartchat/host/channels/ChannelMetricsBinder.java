package com.smartchat.host.channels;

import com.smartchat.channel.spi.ChannelState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Publishes {@code smartchat.channels}: how many channels are in each state, and how many run in this host. */
@Component
class ChannelMetricsBinder implements MeterBinder {

    private final JdbcClient jdbc;
    private final ChannelSupervisor supervisor;

    ChannelMetricsBinder(JdbcClient jdbc, ChannelSupervisor supervisor) {
        this.jdbc = jdbc;
        this.supervisor = supervisor;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ChannelState state : ChannelState.values()) {
            Gauge.builder("smartchat.channels", () -> jdbc.sql(
                            "select count(*) from channel where state = :state and deleted_at is null")
                            .param("state", state.name()).query(Long.class).single())
                    .description("Channels by stored state")
                    .tag("state", state.name())
                    .register(registry);
        }
        Gauge.builder("smartchat.channels.running", supervisor, ChannelSupervisor::runningCount)
                .description("Channels running in this host")
                .register(registry);
    }
}
