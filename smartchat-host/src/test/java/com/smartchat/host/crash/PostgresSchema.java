package com.smartchat.host.crash;

import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * A schema of its own on the PostgreSQL server the build's second test run names ({@code SMARTCHAT_TEST_DATABASE_URL}),
 * for hosts started as processes: the database is shared with the other tests. Dropped with everything in it on
 * {@link #close()}.
 */
public final class PostgresSchema implements AutoCloseable {

    private final String name;

    private PostgresSchema(String name) {
        this.name = name;
    }

    /** Whether this test run has a PostgreSQL server. */
    public static boolean available() {
        return url().startsWith("jdbc:postgresql:");
    }

    /** Creates a new schema whose name starts with {@code prefix}. */
    public static PostgresSchema create(String prefix) throws SQLException {
        String name = prefix + "_" + Long.toUnsignedString(new SecureRandom().nextLong(), 36);
        try (Connection connection = connect()) {
            connection.createStatement().execute("create schema " + name);
        }
        return new PostgresSchema(name);
    }

    /** The settings that point a host at this schema. */
    public List<String> hostArgs() {
        return hostArgs(url());
    }

    /** The settings that point a host at this schema through a port on this machine that leads to the server. */
    public List<String> hostArgsThrough(int localPort) {
        return hostArgs(url().replaceFirst("//[^/]+/", "//127.0.0.1:" + localPort + "/"));
    }

    /** The server's address, as the test run names it. */
    public static URI server() {
        return URI.create(url().substring("jdbc:".length()));
    }

    private List<String> hostArgs(String url) {
        return List.of("--spring.datasource.url=" + url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name,
                "--spring.datasource.username=" + System.getProperty("SMARTCHAT_TEST_DATABASE_USER", ""),
                "--spring.datasource.password=" + System.getProperty("SMARTCHAT_TEST_DATABASE_PASSWORD", ""));
    }

    @Override
    public void close() throws SQLException {
        try (Connection connection = connect()) {
            connection.createStatement().execute("drop schema " + name + " cascade");
        }
    }

    private static String url() {
        return System.getProperty("SMARTCHAT_TEST_DATABASE_URL", "");
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), System.getProperty("SMARTCHAT_TEST_DATABASE_USER", ""),
                System.getProperty("SMARTCHAT_TEST_DATABASE_PASSWORD", ""));
    }
}
