package com.smartchat.host.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.web.WebSession;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * API tokens, from the outside: a platform admin creates one for a user (through the API or the users page), sees
 * it once, and the program using it is that user, with that user's Spaces and nothing more, until the token is
 * revoked or the user deleted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ApiTokenTest {

    private static final Pattern SHOWN_TOKEN = Pattern.compile("data-token>(sct_[A-Za-z0-9_-]+)<");

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aSpaceAdminsTokenIsThatSpaceAdminShownOnceAndEndsWhenRevoked(CapturedOutput log) {
        ApiClient admin = ApiClient.admin(port);
        String mine = admin.post("/api/spaces", Map.of("name", "Token Space A")).body().get("id").asString();
        String other = admin.post("/api/spaces", Map.of("name", "Token Space B")).body().get("id").asString();
        WebSession platform = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        platform.post("/users", Map.of("username", "carol.tokens", "password", "carol-password-1"));
        platform.post("/users/carol.tokens/grants", Map.of("space", mine));

        Response created = admin.post("/api/users/carol.tokens/tokens", Map.of("name", "nightly export"));
        assertThat(created.status()).isEqualTo(201);
        String token = created.body().get("token").asString();
        assertThat(token).matches("sct_[A-Za-z0-9_-]{43}");
        assertThat(created.header("Location")).endsWith("/api/users/carol.tokens/tokens/" + created.body().get("id").asString());

        ApiClient carol = ApiClient.withToken(port, token);
        Response spaces = carol.get("/api/spaces");
        assertThat(spaces.status()).isEqualTo(200);
        assertThat(spaces.text()).contains(mine).doesNotContain(other);
        assertThat(carol.get("/api/spaces/" + mine).status()).isEqualTo(200);
        assertThat(carol.get("/api/spaces/" + other).status()).as("another Space").isEqualTo(404);
        assertThat(carol.get("/api/spaces/" + other + "/channels").status()).isEqualTo(404);
        assertThat(carol.post("/api/spaces", Map.of("name", "Not hers")).status()).isEqualTo(403);
        assertThat(carol.get("/api/users/carol.tokens/tokens").status()).as("platform admins only").isEqualTo(403);

        Response listed = admin.get("/api/users/carol.tokens/tokens");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().get(0).get("name").asString()).isEqualTo("nightly export");
        assertThat(listed.body().get(0).get("createdAt").isNull()).isFalse();
        assertThat(listed.body().get(0).get("lastUsedAt").isNull()).as("used above").isFalse();
        assertThat(listed.text()).doesNotContain(token).doesNotContain("\"token\"");
        assertThat(platform.get("/users").body()).contains("nightly export").doesNotContain(token);
        assertThat(jdbc.sql("select token_hash from api_token").query(String.class).list()).doesNotContain(token)
                .allSatisfy(hash -> assertThat(hash).matches("[0-9a-f]{64}"));

        assertThat(admin.delete("/api/users/carol.tokens/tokens/" + created.body().get("id").asString()).status())
                .isEqualTo(204);
        Response revoked = carol.get("/api/spaces");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(revoked.text()).doesNotContain(mine);
        assertThat(log.getAll()).as("no token in the log").doesNotContain(token)
                .doesNotContain(token.substring(4, 20));
    }

    @Test
    void aTokenCreatedOnTheUsersPageIsShownOnceAndDiesWithItsUser() {
        WebSession platform = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        platform.post("/users", Map.of("username", "dave.tokens", "password", "dave-password-12"));

        WebSession.Page shown = platform.post("/users/dave.tokens/tokens", Map.of("name", "deploy script"));
        assertThat(shown.status()).isEqualTo(200);
        Matcher matcher = SHOWN_TOKEN.matcher(shown.body());
        assertThat(matcher.find()).as("the token on the page").isTrue();
        String token = matcher.group(1);
        assertThat(shown.header("Cache-Control")).contains("no-store");
        assertThat(platform.get("/users").body()).as("shown once").contains("deploy script").doesNotContain(token);
        assertThat(ApiClient.withToken(port, token).get("/api/spaces").status()).isEqualTo(200);

        assertThat(platform.submit("/users/dave.tokens/delete", Map.of()).body()).contains("Deleted dave.tokens.");
        assertThat(ApiClient.withToken(port, token).get("/api/spaces").status()).as("the user is gone").isEqualTo(401);
        platform.post("/users", Map.of("username", "dave.tokens", "password", "dave-password-12"));
        assertThat(ApiClient.withToken(port, token).get("/api/spaces").status())
                .as("nor does it come back with a new user of the same name").isEqualTo(401);
    }

    @Test
    void aTokenRevokedOnTheUsersPageIsRefusedAtOnce() {
        WebSession platform = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        String id = ApiClient.admin(port).post("/api/users/admin/tokens", Map.of("name", "page revoke")).body()
                .get("id").asString();
        String token = ApiClient.admin(port).post("/api/users/admin/tokens", Map.of("name", "kept")).body()
                .get("token").asString();

        assertThat(platform.submit("/users/admin/tokens/" + id + "/revoke", Map.of()).body())
                .contains("Revoked the API token").doesNotContain("page revoke");
        assertThat(ApiClient.withToken(port, token).get("/api/users/admin/tokens").text())
                .as("a platform admin's token is a platform admin").contains("kept").doesNotContain("page revoke");
    }

    @Test
    void anythingButALiveTokenIsRefusedWithoutFallingBackToAnotherCheck() {
        String token = ApiClient.admin(port).post("/api/users/admin/tokens", Map.of("name", "forgeries")).body()
                .get("token").asString();
        String lastCharChanged = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        for (String forged : new String[] {token + "x", lastCharChanged, "sct_" + "A".repeat(43), token.substring(4),
                token.toUpperCase(java.util.Locale.ROOT), ApiClient.ADMIN_PASSWORD}) {
            Response response = ApiClient.withToken(port, forged).get("/api/spaces");
            assertThat(response.status()).as("Bearer %s", forged).isEqualTo(401);
        }
        assertThat(ApiClient.admin(port).post("/api/users/admin/tokens", Map.of("name", "bad\u202Ename")).status())
                .isEqualTo(400);
        assertThat(ApiClient.admin(port).post("/api/users/nobody-here/tokens", Map.of("name", "x")).status())
                .isEqualTo(404);
        assertThat(ApiClient.admin(port).delete("/api/users/admin/tokens/00000000-0000-0000-0000-000000000000")
                .status()).isEqualTo(404);
    }
}
