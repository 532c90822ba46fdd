package com.smartchat.host.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Signals between the hosts of a cluster, through PostgreSQL's {@code LISTEN/NOTIFY}: one line of words per signal,
 * its kind first, then the sending host's id, then the kind's own words. A signal sent in a transaction reaches the
 * other hosts only when it commits, and not at all when it rolls back. Signals are hints that make things happen
 * at once; what they point at is always in the database, which each host also reads on its own from time to time,
 * so a signal lost while a host reconnects delays something, never loses it.
 */
@Component
@ConditionalOnProperty(prefix = "smartchat.cluster", name = "enabled", havingValue = "true")
public class ClusterSignals implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterSignals.class);
    private static final String CHANNEL = "smartchat";
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final JdbcClient jdbc;
    private final DedicatedConnection connections;
    private final String hostId;
    private final Map<String, Consumer<List<String>>> handlers = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile Connection listening;
    private Thread listener;

    public ClusterSignals(JdbcClient jdbc, DedicatedConnection connections, ClusterProperties properties) {
        this.jdbc = jdbc;
        this.connections = connections;
        this.hostId = properties.hostId();
    }

    /**
     * Handles every signal of one kind that another host sends.
     *
     * @param handler gets the signal's own words; runs on the listening thread, so it must not block
     */
    public void on(String kind, Consumer<List<String>> handler) {
        handlers.put(kind, handler);
    }

    /** Sends a signal to the other hosts, in the caller's transaction if there is one. */
    public void send(String kind, Object... words) {
        StringBuilder payload = new StringBuilder(kind).append(' ').append(hostId);
        for (Object word : words) {
            payload.append(' ').append(word);
        }
        jdbc.sql("select pg_notify('" + CHANNEL + "', :payload)").param("payload", payload.toString())
                .query().singleValue();
    }

    private void listen() {
        while (running) {
            try (Connection connection = connections.connect(Duration.ZERO)) {
                listening = connection;
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection postgres = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] signals = postgres.getNotifications(500);
                    if (signals != null) {
                        for (PGNotification signal : signals) {
                            handle(signal.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    log.warn("Listening to the other hosts failed; connecting again in {}: {}", RECONNECT_DELAY,
                            e.getMessage());
                    sleep(RECONNECT_DELAY);
                }
            }
        }
    }

    private void handle(String payload) {
        List<String> words = List.of(payload.split(" "));
        if (words.size() < 2 || words.get(1).equals(hostId)) {
            return; // this host's own signal: it acted already
        }
        Consumer<List<String>> handler = handlers.get(words.get(0));
        if (handler == null) {
            log.debug("Ignored a signal of unknown kind: {}", words.get(0)); // from a newer host, during an upgrade
            return;
        }
        try {
            handler.accept(words.subList(2, words.size()));
        } catch (RuntimeException e) {
            log.warn("Handling the signal '{}' from host {} failed", words.get(0), words.get(1), e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        running = true;
        listener = Thread.ofVirtual().name("cluster-signals").start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        try {
            Connection connection = listening;
            if (connection != null) {
                connection.close();
            }
            listener.join(Duration.ofSeconds(2));
        } catch (SQLException e) {
            log.debug("Closing the listening connection failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Listens before the leases are taken, and until they were given back. */
    @Override
    public int getPhase() {
        return -20;
    }
}
