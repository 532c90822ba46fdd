package com.smartchat.host.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.web.WebSession;
import com.smartchat.host.web.WebSession.Page;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DuplicateKeyException;

/**
 * Names that could pass for others: user names that differ only by case, Unicode form or a dot at an end, and
 * names of users, Spaces and channels with invisible characters (controls, NUL, direction overrides) that make a
 * page or a log line show something else than what is stored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LookAlikeNamesTest {

    /** Invisible characters no stored name may hold, each between visible letters. */
    private static final List<String> INVISIBLE = List.of("\u0000", "\u0007", "\u001b", "\n", "\t", "\u007f",
            "\u0085", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
            "\u200e", "\u200f", "\u061c", "\u200b", "\u200d", "\u2028", "\ufeff", "\ue000");

    @LocalServerPort
    int port;
    @Autowired
    UserAccounts accounts;

    @Test
    void userNamesThatLookLikeAnExistingOneAreRefused() {
        WebSession platform = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        assertThat(platform.post("/users", Map.of("username", "alice", "password", "alice-password-1")).status())
                .isEqualTo(302);

        for (String lookAlike : List.of("Alice", "ALICE", "aLiCe", " alice ", "\uff41\uff4c\uff49\uff43\uff45",
                "ＡＬＩＣＥ", "Admin", "ADMIN", "admin.", ".admin", "admin-", "_admin", "admin..x", "ad min",
                "аdmin" /* Cyrillic а */, "admin\u00a0", "\u2003admin")) {
            Page refused = platform.post("/users", Map.of("username", lookAlike, "password", "look-alike-pass-1"));
            assertThat(refused.status()).as("'%s'", lookAlike).isEqualTo(422);
            assertThat(refused.body()).as("'%s'", lookAlike).contains("id=\"new-username-error\"");
        }
        assertThat(platform.post("/users", Map.of("username", "ALICE", "password", "look-alike-pass-1")).body())
                .contains("There is already a user named alice: ALICE would be taken for them.");
        String users = platform.get("/users").body();
        assertThat(users).contains("data-user=\"alice\"").doesNotContainIgnoringCase("data-user=\"alice \"")
                .doesNotContain("data-user=\"Alice\"", "data-user=\"ALICE\"", "data-user=\"admin.\"");
        assertThatThrownBy(() -> WebSession.signIn(port, "ALICE", "look-alike-pass-1")).hasMessageContaining("failed");
    }

    @Test
    void theDatabaseRefusesALookAlikeEvenWhenTheHostsCheckIsBypassed() {
        accounts.save("erin.db", "{noop}x", Role.SPACE_ADMIN);

        assertThatThrownBy(() -> accounts.save("ERIN.DB", "{noop}x", Role.SPACE_ADMIN))
                .isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> accounts.save("Erin.Db", "{noop}x", Role.PLATFORM_ADMIN))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void invisibleCharactersAreRefusedInUserSpaceAndChannelNames() {
        WebSession platform = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        ApiClient admin = ApiClient.admin(port);
        String space = "/api/spaces/" + admin.post("/api/spaces", Map.of("name", "Names")).body().get("id").asString();

        for (String invisible : INVISIBLE) {
            String name = "Look" + invisible + "alike";
            String shown = String.format("U+%04X", (int) invisible.charAt(0));

            Page user = platform.post("/users", Map.of("username", "bob" + invisible + "x", "password", "bob-password-12"));
            assertThat(user.status()).as("user name with %s", shown).isEqualTo(422);

            Response apiSpace = admin.post("/api/spaces", Map.of("name", name));
            assertThat(apiSpace.status()).as("Space name with %s", shown).isEqualTo(400);
            assertThat(apiSpace.body().get("fieldErrors").get("name").get(0).asString()).contains(shown);
            Page pageSpace = platform.post("/spaces", Map.of("name", name));
            assertThat(pageSpace.status()).as("Space name with %s on the page", shown).isNotEqualTo(302);
            assertThat(pageSpace.body()).contains("cannot contain control, formatting or direction characters");

            Response validated = admin.post(space + "/channels/validate",
                    Map.of("provider", "scripted", "settings", Map.of("name", name, "key", "good")));
            assertThat(validated.body().get("valid").asBoolean()).as("channel name with %s", shown).isFalse();
            assertThat(validated.body().get("fieldErrors").get("name").get(0).asString()).contains(shown);
            Response channel = admin.post(space + "/channels",
                    Map.of("provider", "scripted", "settings", Map.of("name", name, "key", "good")));
            assertThat(channel.status()).as("channel name with %s", shown).isEqualTo(422);
        }

        assertThat(admin.get("/api/spaces").text()).doesNotContain("\"Look").contains("Names");
        assertThat(admin.get(space + "/channels").body().size()).isZero();
        assertThat(admin.post("/api/spaces", Map.of("name", "Support – Café ☕ 東京")).status())
                .as("letters of any script, symbols and emoji are fine").isEqualTo(201);
        assertThat(admin.post(space + "/channels", Map.of("provider", "scripted",
                "settings", Map.of("name", "Поддержка", "key", "good"))).status()).isEqualTo(201);
    }
}
