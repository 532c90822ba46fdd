package com.smartchat.host.cluster;

import com.smartchat.host.channels.ChannelOwnership;
import com.smartchat.host.channels.ChannelSupervisor;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/cluster}, for platform admins: the hosts that run channels, and how many each runs. */
@RestController
public class ClusterController {

    private final JdbcClient jdbc;
    private final ChannelOwnership ownership;
    private final ChannelSupervisor supervisor;
    private final String version;

    public ClusterController(JdbcClient jdbc, ChannelOwnership ownership, ChannelSupervisor supervisor,
                             ObjectProvider<BuildProperties> build) {
        this.jdbc = jdbc;
        this.ownership = ownership;
        this.supervisor = supervisor;
        BuildProperties info = build.getIfAvailable();
        this.version = info != null ? info.getVersion() : "unknown";
    }

    /**
     * The hosts sharing the database.
     *
     * @param clustered whether several hosts may share the database ({@code smartchat.cluster.enabled})
     * @param answeredBy the id of the host that answered
     */
    public record Cluster(boolean clustered, String answeredBy, List<Host> hosts) {
    }

    /**
     * A live host.
     *
     * @param heartbeatAgeMillis how long ago it last renewed its leases; a host that stops renewing for a lease's
     *                           time is gone, and its channels move
     * @param channels how many channels it holds the leases of (one host alone: how many run)
     */
    public record Host(String id, String address, String version, OffsetDateTime startedAt, long heartbeatAgeMillis,
                       long channels) {
    }

    @GetMapping("/api/cluster")
    public Cluster cluster() {
        if (ownership.runsEveryChannel()) {
            OffsetDateTime started = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime())
                    .atOffset(ZoneOffset.UTC);
            return new Cluster(false, ownership.hostId(), List.of(new Host(ownership.hostId(), null, version, started,
                    0, supervisor.runningCount())));
        }
        List<Host> hosts = jdbc.sql("""
                select h.id, h.address, h.version, h.started_at,
                    cast(extract(epoch from (now() - h.heartbeat_at)) * 1000 as bigint) as heartbeat_age,
                    (select count(*) from channel_lease l where l.owner = h.id and l.expires_at > now()) as channels
                from cluster_host h order by h.id""")
                .query((rs, row) -> new Host(rs.getString("id"), rs.getString("address"), rs.getString("version"),
                        rs.getObject("started_at", OffsetDateTime.class), rs.getLong("heartbeat_age"),
                        rs.getLong("channels")))
                .list();
        return new Cluster(true, ownership.hostId(), hosts);
    }
}
