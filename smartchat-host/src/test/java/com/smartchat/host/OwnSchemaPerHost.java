package com.smartchat.host;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives each host the tests start on the PostgreSQL server of the build's second pass (each Spring test context,
 * each {@link InProcessHost}) a schema of its own, which Flyway migrates and which is dropped when the host stops:
 * one test's channels never start in another test's host. On H2 each context already has its own in-memory database
 * ({@code config/application.properties}). A host given another URL, such as one of {@link #newSchema()}, is left as
 * it is.
 *
 * <p>Registered in the tests' {@code META-INF/spring.factories}.
 */
public class OwnSchemaPerHost implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final String URL = "spring.datasource.url";
    private static final String SCHEMA = "currentSchema=";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        String url = environment.getProperty(URL, "");
        if (!url.startsWith("jdbc:postgresql:") || !url.equals(server())) {
            return;
        }
        String own = newSchema();
        environment.getPropertySources().addFirst(new MapPropertySource("own test schema", Map.of(URL, own)));
        // registered before any bean, so destroyed after all of them, the connection pool included
        ((DefaultListableBeanFactory) context.getBeanFactory()).registerDisposableBean("ownTestSchema",
                () -> dropSchema(own));
    }

    /**
     * Creates a new schema on the tests' PostgreSQL server, for a test whose hosts must find the same database one
     * after the other; the test drops it with {@link #dropSchema}.
     *
     * @return the URL that names it
     */
    public static String newSchema() {
        String schema = "test_" + Long.toUnsignedString(RANDOM.nextLong(), 36);
        execute("create schema " + schema);
        System.out.println("A database for the test: schema " + schema + " of " + server());
        return server() + (server().contains("?") ? "&" : "?") + SCHEMA + schema;
    }

    /** Drops a schema {@link #newSchema} created, and all it holds. */
    public static void dropSchema(String url) {
        execute("drop schema " + url.substring(url.lastIndexOf(SCHEMA) + SCHEMA.length()) + " cascade");
    }

    private static String server() {
        return System.getProperty("SMARTCHAT_TEST_DATABASE_URL", "");
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(server(),
                System.getProperty("SMARTCHAT_TEST_DATABASE_USER", ""),
                System.getProperty("SMARTCHAT_TEST_DATABASE_PASSWORD", ""))) {
            connection.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot " + sql + " on " + server(), e);
        }
    }
}
