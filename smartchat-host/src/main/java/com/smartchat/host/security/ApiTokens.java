package com.smartchat.host.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.stereotype.Service;

/**
 * API tokens for programs: {@code sct_} and 32 random bytes in base64url, sent as {@code Authorization: Bearer}. A
 * token signs in as its user, with the user's role and Spaces as they are at that moment. Only the SHA-256 of a
 * token is stored and looked up: a token has 256 random bits, so a fast hash is as safe as a slow one and costs
 * microseconds instead of bcrypt's tens of milliseconds. Revoking a token or deleting its user (the rows cascade)
 * ends it with the next request: nothing is cached.
 */
@Service
public class ApiTokens {

    private static final String PREFIX = "sct_";
    private static final int RANDOM_BYTES = 32;
    private static final Pattern FORMAT = Pattern.compile("sct_[A-Za-z0-9_-]{43}");
    /** Last use is written at most this often per token, not on every request. */
    private static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiTokens(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A token as it is listed: never the token itself. */
    public record TokenInfo(UUID id, String name, OffsetDateTime createdAt, OffsetDateTime lastUsedAt) {
    }

    /**
     * A token just created: the only time the token exists in clear.
     *
     * @param token what the program sends as {@code Authorization: Bearer <token>}
     */
    public record NewToken(UUID id, String name, OffsetDateTime createdAt, String token) {
    }

    /** Creates a token for a user who exists (the caller checked). */
    public NewToken create(String username, String name) {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        UUID id = UUID.randomUUID();
        OffsetDateTime now = now();
        jdbc.sql("""
                insert into api_token (id, username, name, token_hash, created_at)
                values (:id, :username, :name, :hash, :now)""")
                .param("id", id).param("username", username).param("name", name).param("hash", hash(token))
                .param("now", now).update();
        return new NewToken(id, name, now, token);
    }

    /** A user's tokens, oldest first. */
    public List<TokenInfo> list(String username) {
        return jdbc.sql("""
                select id, name, created_at, last_used_at from api_token where username = :username
                order by created_at, id""")
                .param("username", username)
                .query((rs, row) -> new TokenInfo(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getObject("created_at", OffsetDateTime.class),
                        rs.getObject("last_used_at", OffsetDateTime.class)))
                .list();
    }

    /** Revokes a user's token; false when the user has no such token. */
    public boolean revoke(String username, UUID id) {
        return jdbc.sql("delete from api_token where id = :id and username = :username")
                .param("id", id).param("username", username).update() > 0;
    }

    /** The user a token signs in as, with their current role; empty for anything that is not a live token. */
    public Optional<UserDetails> authenticate(String token) {
        if (token == null || !FORMAT.matcher(token).matches()) {
            return Optional.empty(); // not even shaped like a token: no database work
        }
        Optional<Match> match = jdbc.sql("""
                select t.id, t.last_used_at, u.username, u.role
                from api_token t join app_user u on u.username = t.username
                where t.token_hash = :hash""")
                .param("hash", hash(token))
                .query((rs, row) -> new Match(rs.getObject("id", UUID.class), rs.getString("username"),
                        Role.valueOf(rs.getString("role")), rs.getObject("last_used_at", OffsetDateTime.class)))
                .optional();
        match.ifPresent(this::touch);
        return match.map(found -> User.withUsername(found.username()).password("")
                .authorities(found.role().authority()).build());
    }

    private record Match(UUID id, String username, Role role, OffsetDateTime lastUsedAt) {
    }

    private void touch(Match match) {
        OffsetDateTime now = now();
        if (match.lastUsedAt() == null || match.lastUsedAt().isBefore(now.minus(LAST_USED_PRECISION))) {
            jdbc.sql("update api_token set last_used_at = :now where id = :id")
                    .param("now", now).param("id", match.id()).update();
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
