package com.smartchat.host.cluster;

import com.smartchat.host.channels.ChannelOwnership;
import com.smartchat.host.channels.ChannelSupervisor;
import com.smartchat.host.outbound.SendsWaiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.stereotype.Component;

/**
 * Channel ownership among hosts sharing one PostgreSQL database: each channel runs on the host holding its lease
 * (a row of {@code channel_lease}: owner, expiry, and an epoch that grows each time the lease changes hands).
 *
 * <p>Every heartbeat a host renews all its leases in one statement, then holds about its fair share (the runnable
 * channels divided by the live hosts): it takes free or expired leases ({@code FOR UPDATE SKIP LOCKED}, so hosts
 * taking at once never take the same one), or, above its share, stops some channels and only then gives their
 * leases back, a bounded number per second. A host that could not renew for half a lease stops all its channels
 * before the leases can end, so that no other host starts a channel it still polls. Times are the database's, so
 * the hosts' clocks need not agree.
 */
@Component
@ConditionalOnProperty(prefix = "smartchat.cluster", name = "enabled", havingValue = "true")
public class ChannelLeases implements ChannelOwnership, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChannelLeases.class);

    private final JdbcClient jdbc;
    /** The heartbeat's own connection: renewals never wait for the pool. */
    private final SingleConnectionDataSource heartbeatConnection;
    private final JdbcClient heartbeatJdbc;
    private final ClusterSignals signals;
    private final ObjectProvider<ChannelSupervisor> supervisor;
    private final ClusterProperties properties;
    private final String hostId;
    private final String address;
    private final String version;

    /** The leases this host holds, with the epoch of each. */
    private final Map<UUID, Long> held = new ConcurrentHashMap<>();
    /** Held while taking leases and while renewing them. */
    private final ReentrantLock leaseLock = new ReentrantLock();
    private final Set<UUID> handingOver = ConcurrentHashMap.newKeySet();
    private volatile long renewedAt = System.nanoTime();
    /** When this host joined ({@link System#nanoTime()}). */
    private volatile long joinedAt;
    private volatile boolean running;
    private volatile boolean fenced;
    private Thread heartbeat;
    private Thread watchdog;

    public ChannelLeases(JdbcClient jdbc, DedicatedConnection connections, ClusterSignals signals,
                         ObjectProvider<ChannelSupervisor> supervisor, ClusterProperties properties,
                         ObjectProvider<BuildProperties> build,
                         ApplicationEventPublisher events, @Value("${server.port:8080}") int port) {
        this.jdbc = jdbc;
        // a renewal that waits longer than half a lease is too late anyway: the watchdog has stopped the channels
        this.heartbeatConnection = connections.open(properties.leaseTime().dividedBy(2));
        this.heartbeatJdbc = JdbcClient.create(heartbeatConnection);
        this.signals = signals;
        this.supervisor = supervisor;
        this.properties = properties;
        this.hostId = properties.hostId();
        this.address = properties.address() != null && !properties.address().isBlank() ? properties.address()
                : "http://" + ChannelOwnership.machineName() + ":" + port;
        BuildProperties info = build.getIfAvailable();
        this.version = info != null ? info.getVersion() : "unknown";
        // every host hears it: the owner carries it out, the others forget what they keep of the channel
        signals.on("channel", words -> {
            Action action = Action.valueOf(words.get(0));
            UUID channelId = UUID.fromString(words.get(1));
            Thread.ofVirtual().name("channel-action").start(() -> supervisor.getObject().carryOut(channelId, action));
        });
        signals.on("send", words -> {
            UUID channelId = UUID.fromString(words.get(0));
            if (holds(channelId)) {
                events.publishEvent(new SendsWaiting(channelId));
            }
        });
    }

    @Override
    public String hostId() {
        return hostId;
    }

    @Override
    public boolean runsEveryChannel() {
        return false;
    }

    @Override
    public boolean holds(UUID channelId) {
        return held.containsKey(channelId);
    }

    @Override
    public boolean holdOrTake(UUID channelId) {
        return holds(channelId) || !take(jdbc, channelId, 1).isEmpty();
    }

    @Override
    public void release(UUID channelId) {
        Long epoch = held.remove(channelId);
        if (epoch != null) {
            jdbc.sql("""
                    update channel_lease set owner = null, expires_at = now()
                    where channel_id = :channel and owner = :me and epoch = :epoch""")
                    .param("channel", channelId).param("me", hostId).param("epoch", epoch).update();
        }
    }

    @Override
    public void announce(UUID channelId, Action action) {
        signals.send("channel", action, channelId);
    }

    @Override
    public void wakeSender(UUID channelId) {
        signals.send("send", channelId);
    }

    @Override
    public Optional<String> ownerOf(UUID channelId) {
        return jdbc.sql("select owner from channel_lease where channel_id = :channel and expires_at > now()")
                .param("channel", channelId).query(String.class).optional();
    }

    /** How many channels this host holds the lease of. */
    public int heldCount() {
        return held.size();
    }

    /**
     * Takes up to {@code limit} free or expired leases of runnable channels, or the lease of the one channel
     * named, and returns the channels taken.
     */
    private List<UUID> take(JdbcClient jdbc, UUID channelId, int limit) {
        leaseLock.lock();
        try {
            return takeLocked(jdbc, channelId, limit);
        } finally {
            leaseLock.unlock();
        }
    }

    private List<UUID> takeLocked(JdbcClient jdbc, UUID channelId, int limit) {
        List<Map.Entry<UUID, Long>> taken = jdbc.sql("""
                with free as (
                    select c.id from channel c left join channel_lease l on l.channel_id = c.id
                    where c.enabled and c.state <> 'NEEDS_ATTENTION' and (l.owner is null or l.expires_at < now())
                        and (cast(:channel as uuid) is null or c.id = :channel)
                    limit :limit
                    -- a key share lock: a channel row that a host cut off mid-transaction still holds (its state,
                    -- say) must not keep the channel from moving; who wins a lease is settled below, on its row
                    for key share of c skip locked)
                insert into channel_lease (channel_id, owner, expires_at, epoch)
                select id, :me, now() + :lease * interval '1 millisecond', 1 from free
                on conflict (channel_id) do update
                    set owner = excluded.owner, expires_at = excluded.expires_at, epoch = channel_lease.epoch + 1
                    where channel_lease.owner is null or channel_lease.expires_at < now()
                returning channel_id, epoch""")
                .param("channel", channelId).param("limit", limit).param("me", hostId)
                .param("lease", properties.leaseTime().toMillis())
                .query((rs, row) -> Map.entry(rs.getObject("channel_id", UUID.class), rs.getLong("epoch")))
                .list();
        List<UUID> ids = new ArrayList<>();
        for (Map.Entry<UUID, Long> lease : taken) {
            held.put(lease.getKey(), lease.getValue());
            ids.add(lease.getKey());
        }
        return ids;
    }

    private void beat() {
        long began = System.nanoTime();
        try {
            heartbeatJdbc.sql("""
                    insert into cluster_host (id, address, version, started_at, heartbeat_at)
                    values (:id, :address, :version, now(), now())
                    on conflict (id) do update set heartbeat_at = now()""")
                    .param("id", hostId).param("address", address).param("version", version).update();
            // with taking locked out, so that what the renewal found and what this host holds can be compared
            leaseLock.lock();
            try {
                Set<UUID> renewed = new HashSet<>(heartbeatJdbc.sql("""
                        update channel_lease set expires_at = now() + :lease * interval '1 millisecond'
                        where owner = :me returning channel_id""")
                        .param("me", hostId).param("lease", properties.leaseTime().toMillis())
                        .query(UUID.class).list());
                renewedAt = began;
                for (UUID channelId : List.copyOf(held.keySet())) {
                    if (!renewed.contains(channelId)) {
                        held.remove(channelId);
                        log.warn("Channel {} has another owner now; it stops here", channelId);
                        Thread.ofVirtual().name("channel-lost").start(() -> supervisor.getObject().relinquish(channelId));
                    }
                }
                renewed.removeAll(held.keySet());
                if (!renewed.isEmpty()) {
                    // leases this host stopped running when it could not renew them, renewed once it could again
                    heartbeatJdbc.sql("update channel_lease set owner = null, expires_at = now() where owner = :me and channel_id in (:ids)")
                            .param("me", hostId).param("ids", renewed).update();
                }
            } finally {
                leaseLock.unlock();
            }
            if (fenced) {
                fenced = false;
                log.info("Host {} reaches the database again and takes channels again", hostId);
            }
            if (supervisor.getObject().isRunning()) {
                balance();
            }
        } catch (DataAccessException e) {
            log.warn("Host {} could not renew its leases: {}", hostId, e.getMostSpecificCause().getMessage());
            heartbeatConnection.resetConnection(); // a new one next time
        }
    }

    /** Takes or hands over channels towards this host's share of the runnable channels. */
    private void balance() {
        long[] counts = heartbeatJdbc.sql("""
                select (select count(*) from cluster_host
                        where heartbeat_at > now() - :lease * interval '1 millisecond') as hosts,
                       (select count(*) from channel where enabled and state <> 'NEEDS_ATTENTION') as channels""")
                .param("lease", properties.leaseTime().toMillis())
                .query((rs, row) -> new long[] {rs.getLong("hosts"), rs.getLong("channels")}).single();
        long hosts = Math.max(1, counts[0]);
        long share = (counts[1] + hosts - 1) / hosts;
        int holding = held.size() - handingOver.size();
        if (System.nanoTime() - joinedAt < properties.leaseTime().toNanos()) {
            // hosts started together see each other before sharing out: none takes all, only to hand most over
            return;
        }
        if (holding < share) {
            List<UUID> taken = take(heartbeatJdbc, null, (int) Math.min(share - holding, properties.takeLimit()));
            if (!taken.isEmpty()) {
                log.info("Host {} took {} channels (its share: {} of {} on {} hosts)", hostId, taken.size(), share,
                        counts[1], hosts);
                supervisor.getObject().adopt(taken);
            }
        } else if (holding > share) {
            long perBeat = Math.max(1, properties.handoverRate() * properties.heartbeat().toMillis() / 1000);
            List<UUID> leaving = held.keySet().stream().filter(id -> !handingOver.contains(id))
                    .limit(Math.min(holding - share, perBeat)).toList();
            handingOver.addAll(leaving);
            log.info("Host {} hands over {} channels (its share: {} of {} on {} hosts)", hostId, leaving.size(), share,
                    counts[1], hosts);
            Thread.ofVirtual().name("channel-handover").start(() -> {
                for (UUID channelId : leaving) {
                    try {
                        supervisor.getObject().handOver(channelId);
                    } finally {
                        handingOver.remove(channelId);
                    }
                }
            });
        }
    }

    /**
     * Stops every channel when the leases were not renewed for half their time: on a thread of its own, because a
     * database that stopped answering can hold the heartbeat's statement for longer than a lease.
     */
    private void watch() {
        while (running) {
            if (!fenced && !held.isEmpty() && System.nanoTime() - renewedAt > properties.leaseTime().toNanos() / 2) {
                fence();
            }
            try {
                Thread.sleep(properties.heartbeat().dividedBy(4));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops every channel: this host may have lost its leases without knowing, and another may start them. */
    private void fence() {
        fenced = true;
        List<UUID> stopping = List.copyOf(held.keySet());
        held.clear();
        log.error("Host {} could not renew its leases for {} s; it stops its {} channels so that another host can "
                + "take them", hostId, Duration.ofNanos(System.nanoTime() - renewedAt).toSeconds(), stopping.size());
        stopping.forEach(channelId -> Thread.ofVirtual().name("channel-fence")
                .start(() -> supervisor.getObject().relinquish(channelId)));
    }

    private void heartbeats() {
        while (running) {
            beat();
            try {
                Thread.sleep(properties.heartbeat());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Gives back what a former run under this host's id still held, then beats. */
    @Override
    public void start() {
        jdbc.sql("update channel_lease set owner = null, expires_at = now() where owner = :me")
                .param("me", hostId).update();
        renewedAt = System.nanoTime();
        joinedAt = renewedAt;
        running = true;
        log.info("Host {} ({}) joins the cluster: leases of {}, a heartbeat every {}", hostId, address,
                properties.leaseTime(), properties.heartbeat());
        // platform threads: renewing in time must not wait for a carrier thread while thousands of channels start
        heartbeat = Thread.ofPlatform().daemon().name("cluster-heartbeat").start(this::heartbeats);
        watchdog = Thread.ofPlatform().daemon().name("cluster-watchdog").start(this::watch);
    }

    /** After the channels stopped (each gave its lease back): gives back the rest and leaves the cluster. */
    @Override
    public void stop() {
        running = false;
        heartbeat.interrupt();
        watchdog.interrupt();
        try {
            heartbeat.join(Duration.ofSeconds(5));
            jdbc.sql("update channel_lease set owner = null, expires_at = now() where owner = :me")
                    .param("me", hostId).update();
            jdbc.sql("delete from cluster_host where id = :me").param("me", hostId).update();
            held.clear();
            heartbeatConnection.destroy();
            log.info("Host {} left the cluster", hostId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (DataAccessException e) {
            log.warn("Host {} could not give its leases back; they end within {}", hostId, properties.leaseTime());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Beats before the channels start and until they stopped (phase 0). */
    @Override
    public int getPhase() {
        return -10;
    }
}
