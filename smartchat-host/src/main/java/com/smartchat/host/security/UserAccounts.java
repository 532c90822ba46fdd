package com.smartchat.host.security;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The host's users, their roles and the Spaces granted to Space admins. Passwords are stored as hashes only. */
@Service
public class UserAccounts implements UserDetailsService {

    private final JdbcClient jdbc;
    private final Clock clock;

    public UserAccounts(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * A user as listed to platform admins.
     *
     * @param spaces the Spaces granted to a Space admin
     */
    public record Account(String username, Role role, Set<UUID> spaces) {
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        return jdbc.sql("select username, password_hash, role from app_user where username = :username")
                .param("username", username)
                .query((rs, row) -> User.withUsername(rs.getString("username"))
                        .password(rs.getString("password_hash"))
                        .authorities(Role.valueOf(rs.getString("role")).authority())
                        .build())
                .optional()
                .orElseThrow(() -> new UsernameNotFoundException("No such user"));
    }

    /**
     * Creates a user or replaces their password hash and role.
     *
     * @throws org.springframework.dao.DuplicateKeyException when a new name is the same as another user's by
     *         {@link UserNames#key}
     */
    @Transactional
    public void save(String username, String passwordHash, Role role) {
        int updated = jdbc.sql("update app_user set password_hash = :hash, role = :role where username = :username")
                .param("hash", passwordHash).param("role", role.name()).param("username", username).update();
        if (updated == 0) {
            jdbc.sql("""
                    insert into app_user (username, username_key, password_hash, role, created_at)
                    values (:username, :key, :hash, :role, :now)""")
                    .param("username", username).param("key", UserNames.key(username)).param("hash", passwordHash)
                    .param("role", role.name())
                    .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                    .update();
        }
    }

    /** The user whose name is the same as this one by {@link UserNames#key}, such as {@code alice} for {@code ALICE}. */
    public Optional<String> sameNameAs(String username) {
        return jdbc.sql("select username from app_user where username_key = :key")
                .param("key", UserNames.key(username)).query(String.class).optional();
    }

    public boolean anyPlatformAdmin() {
        return jdbc.sql("select count(*) from app_user where role = 'PLATFORM_ADMIN'").query(Long.class).single() > 0;
    }

    public Optional<Account> find(String username) {
        return list().stream().filter(account -> account.username().equals(username)).findFirst();
    }

    public List<Account> list() {
        // users first, then their grants: a query inside a row mapper would hold two connections at once
        return jdbc.sql("select username, role from app_user order by username")
                .query((rs, row) -> new Account(rs.getString("username"), Role.valueOf(rs.getString("role")), Set.of()))
                .list().stream()
                .map(account -> new Account(account.username(), account.role(), grants(account.username())))
                .toList();
    }

    public void delete(String username) {
        jdbc.sql("delete from app_user where username = :username").param("username", username).update();
    }

    /** The Spaces granted to a user. */
    public Set<UUID> grants(String username) {
        return jdbc.sql("select space_id from space_grant where username = :username").param("username", username)
                .query(UUID.class).list().stream().collect(Collectors.toUnmodifiableSet()); // list(): a stream would hold the connection
    }

    @Transactional
    public void grant(String username, UUID spaceId) {
        jdbc.sql("delete from space_grant where username = :username and space_id = :space")
                .param("username", username).param("space", spaceId).update();
        jdbc.sql("insert into space_grant (username, space_id) values (:username, :space)")
                .param("username", username).param("space", spaceId).update();
    }

    public void revoke(String username, UUID spaceId) {
        jdbc.sql("delete from space_grant where username = :username and space_id = :space")
                .param("username", username).param("space", spaceId).update();
    }
}
