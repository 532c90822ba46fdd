package com.smartchat.host.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.stereotype.Component;

/**
 * Connections of the cluster's own, outside the host's pool: the heartbeat must reach the database while channels
 * and requests hold every pooled connection, and listening for signals holds its connection for good.
 */
@Component
@ConditionalOnProperty(prefix = "smartchat.cluster", name = "enabled", havingValue = "true")
class DedicatedConnection {

    private final Environment environment;

    DedicatedConnection(Environment environment) {
        this.environment = environment;
    }

    /**
     * One connection, opened at first use and again after {@link SingleConnectionDataSource#resetConnection()}.
     *
     * @param socketTimeout how long a statement may wait for the database before it fails; zero for no limit
     */
    SingleConnectionDataSource open(Duration socketTimeout) {
        SingleConnectionDataSource dataSource = new SingleConnectionDataSource(url(), null, null, true);
        dataSource.setAutoCommit(true);
        dataSource.setConnectionProperties(properties(socketTimeout));
        return dataSource;
    }

    /** A connection that the caller closes. */
    Connection connect(Duration socketTimeout) throws SQLException {
        return DriverManager.getConnection(url(), properties(socketTimeout));
    }

    private String url() {
        return environment.getProperty("spring.datasource.url");
    }

    private Properties properties(Duration socketTimeout) {
        Properties properties = new Properties();
        properties.setProperty("user", environment.getProperty("spring.datasource.username", ""));
        properties.setProperty("password", environment.getProperty("spring.datasource.password", ""));
        properties.setProperty("socketTimeout", String.valueOf(Math.max(0, socketTimeout.toSeconds())));
        properties.setProperty("ApplicationName", "smartchat-cluster");
        return properties;
    }
}
