package com.smartchat.host.channels;

import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * The {@code channels} health component: one entry per channel, with its state as the status (RUNNING is UP), the
 * reason and fix hint, and what the running channel says of itself.
 *
 * <p>A channel that needs an admin does not make the host DOWN: restarting the host cannot mend a revoked token.
 * The status order in application.properties ranks these statuses below DOWN.
 */
@Component("channels")
class ChannelsHealthContributor implements CompositeHealthContributor {

    private final ChannelRepository channels;
    private final ChannelSupervisor supervisor;

    ChannelsHealthContributor(ChannelRepository channels, ChannelSupervisor supervisor) {
        this.channels = channels;
        this.supervisor = supervisor;
    }

    @Override
    public HealthContributor getContributor(String name) {
        try {
            UUID id = UUID.fromString(name);
            return channels.find(id).map(this::indicator).orElse(null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public Stream<Entry> stream() {
        return channels.findAll().stream().map(channel -> new Entry(channel.id().toString(), indicator(channel)));
    }

    private HealthIndicator indicator(ChannelRecord channel) {
        return () -> {
            Optional<ChannelStatus> live = supervisor.liveStatus(channel.id());
            ChannelState state = live.map(ChannelStatus::state).orElse(channel.state());
            Health.Builder health = Health.status(state == ChannelState.RUNNING ? Status.UP : new Status(state.name()))
                    .withDetail("provider", channel.provider())
                    .withDetail("name", channel.name())
                    .withDetail("since", channel.stateSince().toString());
            if (channel.identity() != null && channel.identity().username() != null) {
                health.withDetail("account", "@" + channel.identity().username());
            }
            String reason = live.map(ChannelStatus::reason).orElse(channel.stateReason());
            String fixHint = live.map(ChannelStatus::fixHint).orElse(channel.fixHint());
            if (reason != null) {
                health.withDetail("reason", reason);
            }
            if (fixHint != null) {
                health.withDetail("fixHint", fixHint);
            }
            live.ifPresent(status -> status.details().forEach(health::withDetail));
            return health.build();
        };
    }
}
