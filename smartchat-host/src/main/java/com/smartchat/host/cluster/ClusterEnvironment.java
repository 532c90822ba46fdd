package com.smartchat.host.cluster;

import com.smartchat.host.channels.ChannelOwnership;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Prepares a host in cluster mode ({@code smartchat.cluster.enabled}) before anything else starts.
 *
 * <p>Refuses, saying why and what to do, where several hosts cannot work together: with the sandbox (its Telegram
 * lives in one host's memory), without a master key set for all (each host would make its own and read none of the
 * others' secrets), or on a database other than PostgreSQL (the embedded one is every host's own).
 *
 * <p>Names the host: {@code smartchat.cluster.host-id} when set, else the machine's name and a random suffix, new at
 * each start (so that leases of a former run are never taken for this run's). Every log line then carries it, as
 * the application's name ({@code [smartchat-host@<id>]}), and so does structured logging's service name.
 */
public class ClusterEnvironment implements EnvironmentPostProcessor, Ordered {

    static final String HOST_ID = "smartchat.cluster.host-id";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getProperty("smartchat.cluster.enabled", Boolean.class, false)) {
            return;
        }
        refuseWhatCannotWork(environment);
        String id = environment.getProperty(HOST_ID, "");
        if (id.isBlank()) {
            id = ChannelOwnership.machineName() + "-"
                    + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
        } else if (!id.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException(HOST_ID + " may hold only letters, digits, '.', '_' and '-', at most "
                    + "100 of them, got '" + id + "'");
        }
        String name = environment.getProperty("spring.application.name", "smartchat-host");
        environment.getPropertySources().addFirst(new MapPropertySource("smartchatClusterHostId",
                Map.of(HOST_ID, id, "spring.application.name", name + "@" + id)));
    }

    /** After the configuration is read, before the sandbox starts its emulator (which a refusal makes pointless). */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 20;
    }

    private static void refuseWhatCannotWork(ConfigurableEnvironment environment) {
        if (environment.getProperty("smartchat.sandbox.enabled", Boolean.class, false)) {
            throw new IllegalStateException("Cluster mode (smartchat.cluster.enabled=true) cannot run the sandbox: "
                    + "its Telegram lives in one host's memory, where the other hosts cannot reach it. Turn one of "
                    + "them off (smartchat.sandbox.enabled=false).");
        }
        if (environment.getProperty("smartchat.master-key", "").isBlank()) {
            throw new IllegalStateException("Cluster mode (smartchat.cluster.enabled=true) needs the same master key "
                    + "on every host: without SMARTCHAT_MASTER_KEY each host would make a key of its own and could "
                    + "not read the channel secrets the others saved. Set SMARTCHAT_MASTER_KEY (base64 of 32 random "
                    + "bytes, for example from 'openssl rand -base64 32') to one key on all hosts.");
        }
        String url = environment.getProperty("spring.datasource.url", "");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException("Cluster mode (smartchat.cluster.enabled=true) needs the hosts to share "
                    + "one PostgreSQL database, but this host's database is " + url.replaceAll("[;?].*", "")
                    + ". Set spring.datasource.url (SPRING_DATASOURCE_URL) to the same jdbc:postgresql: URL on every "
                    + "host, or turn cluster mode off to run one host on the embedded database.");
        }
    }
}
