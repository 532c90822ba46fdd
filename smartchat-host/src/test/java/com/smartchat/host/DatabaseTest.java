package com.smartchat.host;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The suite runs on the database it was told to use, in a schema of its own there, with every migration applied. */
@SpringBootTest
class DatabaseTest {

    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcClient jdbc;

    @Test
    void runsOnTheConfiguredDatabaseWithTheSchemaMigrated() throws Exception {
        String product;
        try (var connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName();
        }
        boolean postgres = System.getProperty("SMARTCHAT_TEST_DATABASE_URL", "").startsWith("jdbc:postgresql:");
        assertThat(product).isEqualTo(postgres ? "PostgreSQL" : "H2");
        if (postgres) {
            assertThat(jdbc.sql("select current_schema()").query(String.class).single()).as("this context's own schema")
                    .startsWith("test_");
        }
        assertThat(jdbc.sql("select count(*) from flyway_schema_history where success").query(Long.class).single())
                .isGreaterThanOrEqualTo(2);
    }
}
