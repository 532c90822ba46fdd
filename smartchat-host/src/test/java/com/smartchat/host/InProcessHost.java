package com.smartchat.host;

import com.smartchat.telegram.emulator.BotApiEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A host started in the test's own process as an operator starts it, against a Bot API emulator: the plugins from
 * their jars in {@code target/test-plugins}, the tests' database ({@code config/application.properties}: a fresh
 * in-memory H2, or the PostgreSQL server of the build's second pass), quick channel restarts, short long polls.
 */
public final class InProcessHost {

    private InProcessHost() {
    }

    /**
     * Starts a host.
     *
     * @param settings {@code name=value} settings that replace the defaults or add to them
     */
    public static ConfigurableApplicationContext start(BotApiEmulator telegram, Path dataDir, String... settings) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("server.port", "0");
        values.put("smartchat.data-dir", dataDir.toString());
        values.put("smartchat.plugins.dir", "target/test-plugins");
        values.put("smartchat.plugins.telegram.api-url", telegram.baseUrl());
        values.put("smartchat.plugins.telegram.poll-timeout", "1");
        values.put("smartchat.channels.restart-delay", "200ms");
        for (String setting : settings) {
            int equals = setting.indexOf('=');
            values.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        // a setting given twice would be read as a list of both values: each is given once
        return new SpringApplicationBuilder(SmartChatHostApplication.class).run(values.entrySet().stream()
                .map(setting -> "--" + setting.getKey() + "=" + setting.getValue()).toArray(String[]::new));
    }

    /** Whether the tests run on PostgreSQL, the build's second pass. */
    public static boolean onPostgres() {
        return System.getProperty("SMARTCHAT_TEST_DATABASE_URL", "").startsWith("jdbc:postgresql:");
    }

    /** A free port, for a host that must know its own address before it starts (to receive webhooks). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port a started host listens on. */
    public static int port(ConfigurableApplicationContext host) {
        return Integer.parseInt(host.getEnvironment().getProperty("local.server.port"));
    }
}
