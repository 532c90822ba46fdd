package com.smartchat.host.cluster;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Several hosts on one PostgreSQL database ({@code smartchat.cluster.*}). Off by default: one host runs every
 * channel.
 *
 * @param enabled whether this host shares its database with others, running the channels whose leases it holds
 * @param hostId this host's id, unique among the hosts: letters, digits, '.', '_' and '-'; by default the machine's
 *               name and a random suffix, new at each start ({@link ClusterEnvironment})
 * @param address where operators and other hosts reach this host, as shown by {@code /api/cluster}; by default
 *                {@code http://<machine name>:<port>}
 * @param leaseTime how long a lease lasts without renewal: after a host died, its channels run elsewhere within
 *                  about this long plus one heartbeat
 * @param heartbeat how often a host renews its leases and looks for channels to take or hand over; at most a third
 *                  of {@code leaseTime}
 * @param handoverRate how many channels a host with more than its share hands over per second, when a host joins;
 *                     a host that joins takes none during its first lease time, so that hosts started together see
 *                     each other before they share the channels out
 * @param takeLimit how many leases a host takes per heartbeat at most
 */
@ConfigurationProperties("smartchat.cluster")
public record ClusterProperties(
        @DefaultValue("false") boolean enabled,
        String hostId,
        String address,
        @DefaultValue("8s") Duration leaseTime,
        @DefaultValue("2s") Duration heartbeat,
        @DefaultValue("50") int handoverRate,
        @DefaultValue("500") int takeLimit) {

    /** Refuses timings under which a host could lose its leases while alive, or never hand any over. */
    public ClusterProperties {
        if (heartbeat.isNegative() || heartbeat.isZero() || heartbeat.multipliedBy(3).compareTo(leaseTime) > 0) {
            throw new IllegalArgumentException("smartchat.cluster.heartbeat must be longer than zero and at most a "
                    + "third of smartchat.cluster.lease-time, got " + heartbeat + " and " + leaseTime);
        }
        if (handoverRate < 1 || takeLimit < 1) {
            throw new IllegalArgumentException("smartchat.cluster.handover-rate and smartchat.cluster.take-limit "
                    + "must be at least 1, got " + handoverRate + " and " + takeLimit);
        }
    }
}
