package com.smartchat.host.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Upgrading a database whose users were created before names were compared case-insensitively: every user gets a
 * key, existing look-alikes keep their accounts (the oldest keeps the key a new name would collide with), and the
 * host starts.
 */
class UsernameKeyMigrationTest {

    @Test
    void existingUsersGetTheirKeysAndExistingLookAlikesStillMigrate() throws Exception {
        SimpleDriverDataSource database = new SimpleDriverDataSource(new org.h2.Driver(), "jdbc:h2:mem:migration-"
                + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "sa", "");
        Flyway.configure().dataSource(database).target("5").load().migrate();
        JdbcClient jdbc = JdbcClient.create(database);
        for (String[] user : new String[][] {{"alice", "2025-01-01T00:00:00Z"}, {"Alice", "2025-02-01T00:00:00Z"},
                {"ALICE", "2025-03-01T00:00:00Z"}, {"Bob.Agent", "2025-01-01T00:00:00Z"}}) {
            jdbc.sql("insert into app_user (username, password_hash, role, created_at) values (:u, 'x', 'SPACE_ADMIN', "
                    + "cast(:at as timestamp with time zone))").param("u", user[0]).param("at", user[1]).update();
        }

        Flyway.configure().dataSource(database).load().migrate();

        Map<String, String> keys = jdbc.sql("select username, username_key from app_user")
                .query((rs, row) -> Map.entry(rs.getString(1), rs.getString(2))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(keys).containsEntry("alice", "alice").containsEntry("Bob.Agent", "bob.agent")
                .containsEntry("Alice", "#Alice").containsEntry("ALICE", "#ALICE");
        assertThat(keys.get("Bob.Agent")).isEqualTo(UserNames.key("Bob.Agent"));
    }
}
