package com.smartchat.benchmarks;

import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.EmulatorOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Several hosts on one PostgreSQL database ({@code smartchat.cluster.enabled}): N polling channels are connected
 * through one host, then {@code --hosts} hosts start together and the benchmark measures the time until every channel
 * runs and polls, how they spread, the database's transactions per second while all is idle (the heartbeats), and,
 * after SIGKILL of the host holding most channels, the time until each of its channels runs again elsewhere, channels
 * that needed an admin on the way (two pollers of one bot would make that happen), and whether a message sent to
 * each of its bots while it was dead is stored exactly once.
 *
 * <p>Needs a PostgreSQL server: {@code --postgres-url} (or {@code SMARTCHAT_TEST_POSTGRES_URL}, as {@code .ci/run}
 * sets it), {@code --postgres-user}, {@code --postgres-password}; each size runs in a schema of its own, dropped
 * afterwards.
 */
final class ClusterBenchmark {

    private ClusterBenchmark() {
    }

    static void run(Options options) throws Exception {
        String url = options.string("postgres-url", System.getenv().getOrDefault("SMARTCHAT_TEST_POSTGRES_URL", ""));
        String user = options.string("postgres-user", System.getenv().getOrDefault("SMARTCHAT_TEST_POSTGRES_USER",
                "postgres"));
        String password = options.string("postgres-password", "");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException("The cluster benchmark needs PostgreSQL: give --postgres-url=jdbc:postgresql://...");
        }
        List<Integer> sizes = options.integers("channels", "1000,10000");
        int hosts = options.integer("hosts", 3);
        Duration lease = options.seconds("lease-seconds", 8);
        Duration idle = options.seconds("idle-seconds", 30);
        int concurrency = options.integer("create-concurrency", 16);
        HostProcess.Setup setup = HostProcess.Setup.from(options);
        Report report = new Report("Cluster", options);
        report.line("| channels | hosts | start to all polling | channels per host | idle transactions/s | "
                + "killed host's channels | running elsewhere after: p50 / p99 / max | "
                + "409 to a live poller (channels that needed an admin) | "
                + "sent while down: stored once / lost / twice |");
        report.line("| ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | --- |");
        for (int size : sizes) {
            String schema = "bench_cluster_" + Long.toUnsignedString(new SecureRandom().nextLong(), 36);
            try (Connection db = DriverManager.getConnection(url, user, password)) {
                db.createStatement().execute("create schema " + schema);
                db.createStatement().execute("set search_path to " + schema);
                try {
                    report.line(measure(setup, db, url, user, password, schema, size, hosts, lease, idle, concurrency));
                } finally {
                    db.createStatement().execute("drop schema " + schema + " cascade");
                }
            }
        }
        report.end();
    }

    private static String measure(HostProcess.Setup setup, Connection db, String url, String user, String password,
                                  String schema, int size, int hostCount, Duration lease, Duration idle,
                                  int concurrency) throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path work = Fixtures.tempDir("cluster-" + size);
        List<HostProcess> hosts = new ArrayList<>();
        try (BotApiEmulator telegram = BotApiEmulator.start(EmulatorOptions.defaults().withHistoryLimit(10))) {
            List<EmulatedBot> bots = Fixtures.bots(telegram, "cl", size);
            String[] settings = {
                    "--smartchat.cluster.enabled=true",
                    "--smartchat.cluster.lease-time=" + lease.toSeconds() + "s",
                    "--smartchat.cluster.heartbeat=" + Math.max(1, lease.toSeconds() / 5) + "s",
                    "--smartchat.master-key=" + Base64.getEncoder().encodeToString(key),
                    "--spring.datasource.url=" + url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                    "--spring.datasource.username=" + user,
                    "--spring.datasource.password=" + password};

            // connected through one host, which runs them all; it then stops, giving every lease back
            try (HostProcess first = start(setup, work, telegram, settings, "first")) {
                first.awaitReady(Duration.ofMinutes(3));
                HostApi api = first.api().withToken(HostProcess.ADMIN);
                Fixtures.channels(api, Fixtures.space(api, "Cluster"), bots, null, concurrency);
            }

            long launched = System.nanoTime();
            for (int h = 0; h < hostCount; h++) {
                hosts.add(start(setup, work, telegram, settings, "h" + h));
            }
            for (HostProcess host : hosts) {
                host.awaitReady(Duration.ofMinutes(3));
            }
            Fixtures.awaitPolling(telegram, bots, Duration.ofMinutes(10));
            long allPolling = System.nanoTime() - launched;
            Map<String, Integer> perHost = owners(db);

            long before = transactions(db);
            Thread.sleep(idle);
            double idlePerSecond = (transactions(db) - before) / (double) idle.toSeconds();

            String victim = perHost.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            List<String> stranded = channelsOf(db, victim);
            Instant killedAt = Instant.now();
            hosts.get(Integer.parseInt(victim.substring(1))).kill();
            long killed = System.nanoTime();
            // a member writes to each of the dead host's bots: stored once, by whichever host takes the bot over
            Map<String, EmulatedBot> botsByChannel = botsByChannel(db, bots);
            for (String channel : stranded) {
                EmulatedUser member = telegram.createUser("Member " + channel.substring(0, 8));
                member.send(botsByChannel.get(channel), "while down");
            }
            List<Long> movedAfter = awaitMoved(db, stranded, victim, killedAt, killed, Duration.ofMinutes(5));
            long neededAdmin = count(db, "select count(*) from channel_event where state = 'NEEDS_ATTENTION' and at > ?",
                    killedAt);
            long[] stored = awaitStored(db, stranded.size(), Duration.ofMinutes(2));
            movedAfter.sort(null);
            return String.format("| %,d | %d | %.1f s | %s | %.1f | %,d | %s / %s / %s | %d | %d / %d / %d |", size,
                    hostCount, allPolling / 1e9, perHost, idlePerSecond, stranded.size(),
                    seconds(percentile(movedAfter, 0.5)), seconds(percentile(movedAfter, 0.99)),
                    seconds(movedAfter.isEmpty() ? -1 : movedAfter.getLast()), neededAdmin, stored[0],
                    stranded.size() - stored[0] - stored[1], stored[1]);
        } finally {
            for (HostProcess host : hosts) {
                host.close();
            }
            Fixtures.delete(work);
        }
    }

    private static HostProcess start(HostProcess.Setup setup, Path work, BotApiEmulator telegram, String[] settings,
                                     String id) throws Exception {
        String[] args = new String[settings.length + 1];
        System.arraycopy(settings, 0, args, 0, settings.length);
        args[settings.length] = "--smartchat.cluster.host-id=" + id;
        return HostProcess.start(setup, work.resolve(id), telegram.baseUrl(), 0, args);
    }

    /** How many live leases each host holds. */
    private static Map<String, Integer> owners(Connection db) throws SQLException {
        Map<String, Integer> owners = new TreeMap<>();
        try (ResultSet rows = db.createStatement().executeQuery(
                "select owner, count(*) from channel_lease where owner is not null and expires_at > now() group by owner")) {
            while (rows.next()) {
                owners.put(rows.getString(1), rows.getInt(2));
            }
        }
        return owners;
    }

    private static List<String> channelsOf(Connection db, String host) throws SQLException {
        List<String> channels = new ArrayList<>();
        try (PreparedStatement query = db.prepareStatement("select channel_id from channel_lease where owner = ?")) {
            query.setString(1, host);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    channels.add(rows.getString(1));
                }
            }
        }
        return channels;
    }

    /** Each channel's bot, by the channel's name, which the fixtures set to the bot's username. */
    private static Map<String, EmulatedBot> botsByChannel(Connection db, List<EmulatedBot> bots) throws SQLException {
        Map<String, EmulatedBot> byName = new HashMap<>();
        bots.forEach(bot -> byName.put("@" + bot.username(), bot));
        Map<String, EmulatedBot> byChannel = new HashMap<>();
        try (ResultSet rows = db.createStatement().executeQuery("select id, name from channel")) {
            while (rows.next()) {
                byChannel.put(rows.getString(1), byName.get(rows.getString(2)));
            }
        }
        return byChannel;
    }

    /** Nanoseconds from the kill until each channel ran on another host (it recorded RUNNING since the kill). */
    private static List<Long> awaitMoved(Connection db, List<String> channels, String victim, Instant killedAt,
                                         long killed, Duration timeout) throws Exception {
        Map<String, Long> moved = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PreparedStatement query = db.prepareStatement("""
                select c.id from channel c join channel_lease l on l.channel_id = c.id
                where l.owner is not null and l.owner <> ? and c.state = 'RUNNING' and c.state_since > ?""")) {
            query.setString(1, victim);
            query.setTimestamp(2, Timestamp.from(killedAt));
            while (moved.size() < channels.size() && System.nanoTime() < deadline) {
                try (ResultSet rows = query.executeQuery()) {
                    long now = System.nanoTime() - killed;
                    while (rows.next()) {
                        moved.putIfAbsent(rows.getString(1), now);
                    }
                }
                moved.keySet().retainAll(channels);
                Thread.sleep(100);
            }
        }
        return new ArrayList<>(moved.values());
    }

    /** Waits for the messages sent while the host was down; returns {stored once, stored more than once}. */
    private static long[] awaitStored(Connection db, int expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String sql = """
                select count(*) filter (where copies = 1), count(*) filter (where copies > 1)
                from (select conversation_id, count(*) as copies from message
                      where direction = 'IN' and text = 'while down' group by conversation_id) per_conversation""";
        while (true) {
            try (ResultSet row = db.createStatement().executeQuery(sql)) {
                row.next();
                long[] counts = {row.getLong(1), row.getLong(2)};
                if (counts[0] + counts[1] >= expected || System.nanoTime() > deadline) {
                    return counts;
                }
            }
            Thread.sleep(500);
        }
    }

    /** Committed transactions in the database so far. */
    private static long transactions(Connection db) throws SQLException {
        // the statistics of this session's snapshot would not move: read them afresh
        db.createStatement().execute("select pg_stat_clear_snapshot()");
        return count(db, "select xact_commit from pg_stat_database where datname = current_database()", null);
    }

    private static long count(Connection db, String sql, Instant since) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            if (since != null) {
                query.setTimestamp(1, Timestamp.from(since));
            }
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? -1 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }

    private static String seconds(long nanos) {
        return nanos < 0 ? "-" : String.format("%.1f s", nanos / 1e9);
    }
}
