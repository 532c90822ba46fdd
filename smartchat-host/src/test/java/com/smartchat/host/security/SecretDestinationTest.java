package com.smartchat.host.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.web.WebSession;
import com.smartchat.host.web.WebSession.Page;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.RawListener;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 10, finding 2: a stored secret is only ever sent where it was sent when it was entered. A Space admin
 * changes where a channel that someone else connected sends its secret, with real listening sockets standing in
 * for the attacker's server: without the secret entered again the change is refused, and the attacker's socket sees
 * nothing, not even a connection. Also the validation allowance of finding 3 (a check is a request on the user's
 * behalf). Internal addresses are allowed here, as the legitimate servers listen on this machine too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "smartchat.channels.allow-internal-addresses=true",
        "smartchat.channels.validation-limit=5",
        "smartchat.channels.validation-window=1h"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretDestinationTest {

    private static final String SPACE_ADMIN = "mallory-space-admin";
    private static final String SPACE_ADMIN_PASSWORD = "mallory-password-123";
    private static final String PROBER = "pat-prober";
    private static final String PROBER_PASSWORD = "pat-password-12345";

    private static final Duration WAIT = Duration.ofSeconds(20);

    static BotApiEmulator telegram;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;
    ApiClient admin;
    ApiClient spaceAdmin;
    String space;

    @DynamicPropertySource
    static void telegramEmulator(DynamicPropertyRegistry registry) {
        if (telegram == null) {
            telegram = BotApiEmulator.start();
        }
        registry.add("smartchat.plugins.telegram.api-url", telegram::baseUrl);
        registry.add("smartchat.plugins.telegram.poll-timeout", () -> "1");
    }

    @AfterAll
    static void stopTelegram() {
        if (telegram != null) {
            telegram.close();
            telegram = null;
        }
    }

    @BeforeAll
    void aSpaceWithAnAdminWhoDidNotConnectItsChannels() {
        admin = ApiClient.admin(port);
        space = "/api/spaces/" + admin.post("/api/spaces", Map.of("name", "Shared desk")).body().get("id").asString();
        WebSession platform = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        for (String[] user : new String[][] {{SPACE_ADMIN, SPACE_ADMIN_PASSWORD}, {PROBER, PROBER_PASSWORD}}) {
            assertThat(platform.post("/users", Map.of("username", user[0], "password", user[1])).status()).isEqualTo(302);
            assertThat(platform.post("/users/" + user[0] + "/grants", Map.of("space", space.substring(space.lastIndexOf('/') + 1)))
                    .status()).isEqualTo(302);
        }
        spaceAdmin = ApiClient.as(port, SPACE_ADMIN, SPACE_ADMIN_PASSWORD);
    }

    /** The attack as the review found it: before the fix the listener received POST /bot<token>/getme. */
    @Test
    void aTelegramChannelsTokenNeverReachesAServerNamedInAPatch() throws Exception {
        EmulatedBot bot = telegram.createBot("Desk Bot", "desk_patch_bot");
        Response created = admin.post(space + "/channels", Map.of("provider", "telegram",
                "settings", Map.of("name", "Desk", "token", bot.token())));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String channel = space + "/channels/" + created.body().get("id").asString();

        try (RawListener attacker = RawListener.answering(RawListener.http("200 OK", "", "{}"))) {
            Response patched = spaceAdmin.patch(channel, Map.of("settings", Map.of("apiUrl", attacker.baseUrl())));

            assertThat(patched.status()).isEqualTo(422);
            assertThat(attacker.connections()).as("connections to the attacker's server").isZero();
            assertThat(attacker.received()).doesNotContain(bot.token());
        }
    }

    /**
     * The upgrade path: a channel stored with a Bot API server of its own (form version 2) is migrated when it is
     * next changed or started; it goes on with the operator's server, and the one it named hears nothing.
     */
    @Test
    void aChannelStoredWithABotApiServerOfItsOwnGoesOnWithTheOperators() throws Exception {
        EmulatedBot bot = telegram.createBot("Old Desk Bot", "old_desk_bot");
        Response created = admin.post(space + "/channels", Map.of("provider", "telegram",
                "settings", Map.of("name", "Old desk", "token", bot.token())));
        String id = created.body().get("id").asString();
        String channel = space + "/channels/" + id;
        admin.post(channel + "/stop", null);
        await().atMost(WAIT).until(() -> admin.get(channel).body().get("state").asString().equals("STOPPED"));

        try (RawListener former = RawListener.answering(RawListener.http("200 OK", "", "{}"))) {
            String settings = jdbc.sql("select settings from channel where id = :id").param("id", UUID.fromString(id))
                    .query(String.class).single();
            jdbc.sql("update channel set settings_version = 2, settings = :settings where id = :id")
                    .param("settings", settings.replaceFirst("}$", ",\"apiUrl\":\"" + former.baseUrl() + "\"}"))
                    .param("id", UUID.fromString(id)).update();

            Response renamed = spaceAdmin.patch(channel, Map.of("settings", Map.of("name", "Old desk, renamed")));
            assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
            assertThat(renamed.body().get("settings").has("apiUrl")).isFalse();
            admin.post(channel + "/start", null);
            await().atMost(WAIT).until(() -> admin.get(channel).body().get("state").asString().equals("RUNNING"));

            assertThat(former.connections()).as("connections to the channel's former server").isZero();
            assertThat(jdbc.sql("select settings_version from channel where id = :id").param("id", UUID.fromString(id))
                    .query(Integer.class).single()).isEqualTo(3);
        }
    }

    @Test
    void changingWhereTheKeyGoesNeedsTheKeyEnteredAgainAndReachesNothingWithout() throws Exception {
        String storedKey = "stored-key-CANARY-41c7";
        try (RawListener legit = RawListener.answering("");
             RawListener attacker = RawListener.answering("")) {
            String channel = space + "/channels/" + relayChannel("Relay desk", storedKey, legit);
            assertThat(legit.received()).as("the provider presents its key where it was entered for")
                    .contains(storedKey);

            Response withoutKey = spaceAdmin.patch(channel, Map.of("settings", Map.of("server", attacker.baseUrl())));
            Response blankKey = spaceAdmin.patch(channel,
                    Map.of("settings", Map.of("server", attacker.baseUrl(), "key", " ")));
            Response serverEmptied = spaceAdmin.patch(channel, Map.of("settings", Map.of("server", "")));

            for (Response refused : new Response[] {withoutKey, blankKey}) {
                assertThat(refused.status()).isEqualTo(422);
                assertThat(refused.body().get("detail").asString())
                        .isEqualTo("Changing Server needs Key entered again in the same change.");
                assertThat(refused.body().get("fieldErrors").get("key").get(0).asString())
                        .startsWith("Enter the Key again to change Server");
            }
            assertThat(serverEmptied.status()).isEqualTo(422);
            assertThat(attacker.connections()).as("connections to the new server").isZero();
            assertThat(admin.get(channel).body().get("settings").get("server").asString()).isEqualTo(legit.baseUrl());

            Response renamed = spaceAdmin.patch(channel, Map.of("settings", Map.of("name", "Relay desk 2")));
            assertThat(renamed.status()).as("a change elsewhere needs no key").isEqualTo(200);

            String newKey = "new-key-entered-with-the-server";
            Response moved = spaceAdmin.patch(channel,
                    Map.of("settings", Map.of("server", attacker.baseUrl(), "key", newKey)));
            assertThat(moved.status()).as(moved.text()).isEqualTo(200);
            // the listener records what arrives on a thread of its own, possibly after the answer came back
            await().atMost(WAIT).until(() -> attacker.received().contains(newKey));
            assertThat(attacker.received()).contains(newKey).doesNotContain(storedKey);
        }
    }

    /** The channel page's Edit settings is the same change as the PATCH: the key again, or nothing reaches the server. */
    @Test
    void theEditPageAsksForTheKeyAgainWhenTheServerChanges() throws Exception {
        String storedKey = "stored-key-CANARY-page-93e1";
        try (RawListener legit = RawListener.answering("");
             RawListener attacker = RawListener.answering("")) {
            String edit = space.substring("/api".length()) + "/channels/" + relayChannel("Relay page", storedKey, legit)
                    + "/edit";
            WebSession pages = WebSession.signIn(port, SPACE_ADMIN, SPACE_ADMIN_PASSWORD);
            assertThat(pages.get(edit).body()).contains("Set, kept hidden").doesNotContain(storedKey);

            Page withoutKey = pages.post(edit, Map.of("s.name", "Relay page", "s.server", attacker.baseUrl(), "s.key", ""));

            assertThat(withoutKey.status()).isEqualTo(422);
            assertThat(withoutKey.body()).contains("data-field-error=\"key\"", "Enter the Key again to change Server",
                    "value=\"" + attacker.baseUrl() + "\"").doesNotContain(storedKey);
            assertThat(attacker.connections()).as("connections to the new server").isZero();

            String newKey = "new-key-entered-on-the-page";
            Page moved = pages.post(edit, Map.of("s.name", "Relay page", "s.server", attacker.baseUrl(), "s.key", newKey));
            assertThat(moved.status()).as(moved.body()).isEqualTo(302);
            await().atMost(WAIT).until(() -> attacker.received().contains(newKey));
            assertThat(attacker.received()).contains(newKey).doesNotContain(storedKey);
        }
    }

    /** A relay channel connected by the platform admin, its key sent to the legitimate server; its id. */
    private String relayChannel(String name, String key, RawListener server) {
        Response created = admin.post(space + "/channels", Map.of("provider", "relay",
                "settings", Map.of("name", name, "key", key, "server", server.baseUrl())));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.body().get("id").asString();
    }

    /** A client that renders the form learns which fields need the secrets again. */
    @Test
    void theFormSaysWhichFieldsDecideWhereSecretsGo() {
        var fields = admin.get("/api/providers/relay").body().get("uiSchema").get("fields");

        assertThat(fields.get("server").get("secretDestination").asBoolean()).isTrue();
        assertThat(fields.get("key").has("secretDestination")).isFalse();
    }

    /** Each check asks a network on the user's behalf: the sixth within the window waits. */
    @Test
    void validationIsRationedPerUser() {
        ApiClient prober = ApiClient.as(port, PROBER, PROBER_PASSWORD);
        Map<String, Object> check = Map.of("provider", "scripted", "settings", Map.of("name", "Probe", "key", "k"));
        for (int i = 1; i <= 5; i++) {
            assertThat(prober.post(space + "/channels/validate", check).status()).as("check " + i).isEqualTo(200);
        }

        Response sixth = prober.post(space + "/channels/validate", check);
        Page onThePage = WebSession.signIn(port, PROBER, PROBER_PASSWORD).post(
                "/spaces/" + space.substring(space.lastIndexOf('/') + 1) + "/channels/new/scripted",
                Map.of("s.name", "Probe", "s.key", "k"));

        assertThat(sixth.status()).isEqualTo(429);
        assertThat(sixth.contentType()).startsWith("application/problem+json");
        assertThat(sixth.body().get("detail").asString()).startsWith("Too many checks of channel settings");
        assertThat(Long.parseLong(sixth.header("Retry-After"))).isBetween(1L, 3600L);
        assertThat(onThePage.status()).isEqualTo(429);
        assertThat(Long.parseLong(onThePage.header("Retry-After"))).isPositive();
        assertThat(onThePage.body()).contains("Too many checks of channel settings");
        assertThat(spaceAdmin.post(space + "/channels/validate", check).status()).as("another user's allowance")
                .isEqualTo(200);
    }
}
