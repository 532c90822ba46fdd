package com.smartchat.host.cluster;

import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** {@code cluster} in {@code /actuator/info}: this host's id and how many channels it holds the leases of. */
@Component
@ConditionalOnProperty(prefix = "smartchat.cluster", name = "enabled", havingValue = "true")
class ClusterInfoContributor implements InfoContributor {

    private final ChannelLeases leases;

    ClusterInfoContributor(ChannelLeases leases) {
        this.leases = leases;
    }

    @Override
    public void contribute(Info.Builder builder) {
        builder.withDetail("cluster", Map.of("hostId", leases.hostId(), "channels", leases.heldCount()));
    }
}
