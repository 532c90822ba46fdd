package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.channel.spi.AudienceMember;
import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.host.ApiClient;
import com.smartchat.host.channels.ScriptedProvider;
import com.smartchat.host.web.WebSession.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Who may see what, as a matrix: the platform admin, a Space admin of Space A and an anonymous visitor, against
 * every page and every API endpoint of Space B. The Space admin gets the same 404 as for a Space that does not
 * exist, and no page or answer names anything of Space B; the anonymous visitor is sent to sign in (pages) or
 * refused (API); the platform admin sees it all. Then: nothing of Space B changed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpaceAccessMatrixTest {

    private static final String SPACE_ADMIN = "alice-a";
    private static final String SPACE_ADMIN_PASSWORD = "alice-password-123";
    private static final String B_NAME = "Bravo-Secret-Space";
    private static final String B_CHANNEL = "Bravo-Secret-Channel";
    private static final String B_MEMBER = "Bravo-Member-Zed";

    @LocalServerPort
    int port;
    ApiClient admin;
    String spaceA;
    String spaceB;
    String channelB;
    String conversationB;
    String channelA;

    @BeforeAll
    void twoSpacesAndASpaceAdminOfTheFirst() throws Exception {
        admin = ApiClient.admin(port);
        spaceA = admin.post("/api/spaces", Map.of("name", "Alpha")).body().get("id").asString();
        spaceB = admin.post("/api/spaces", Map.of("name", B_NAME)).body().get("id").asString();
        channelA = admin.post("/api/spaces/" + spaceA + "/channels", Map.of("provider", "scripted",
                "settings", Map.of("name", "Alpha-Channel", "key", "k"))).body().get("id").asString();
        channelB = admin.post("/api/spaces/" + spaceB + "/channels", Map.of("provider", "scripted",
                "settings", Map.of("name", B_CHANNEL, "key", "k"))).body().get("id").asString();
        await().atMost(Duration.ofSeconds(10)).until(() -> ScriptedProvider.channel(B_CHANNEL) != null
                && admin.get("/api/spaces/" + spaceB + "/channels/" + channelB).body().get("state").asString().equals("RUNNING"));
        ScriptedProvider.channel(B_CHANNEL).receive(new InboundEvent.MessageReceived("e1", Instant.now(),
                new Conversation("900", Conversation.Kind.PRIVATE, null), new AudienceMember("900", B_MEMBER, "zed", "en"),
                "m1", "A private message of Space B", List.of(), null));
        conversationB = admin.get("/api/spaces/" + spaceB + "/channels/" + channelB + "/conversations").body()
                .get(0).get("id").asString();

        WebSession platform = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        Page created = platform.post("/users", Map.of("username", SPACE_ADMIN, "password", SPACE_ADMIN_PASSWORD));
        assertThat(created.status()).isEqualTo(302);
        Page granted = platform.post("/users/" + SPACE_ADMIN + "/grants", Map.of("space", spaceA));
        assertThat(granted.status()).isEqualTo(302);
    }

    /** A request of the matrix. */
    record Call(String method, String path, Map<String, String> form) {

        static Call get(String path) {
            return new Call("GET", path, Map.of());
        }

        static Call post(String path, Map<String, String> form) {
            return new Call("POST", path, form);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Every page of Space B, and the pages of Space A that name Space B's channel or conversation. */
    List<Call> pagesOfSpaceB() {
        String space = "/spaces/" + spaceB;
        String channel = space + "/channels/" + channelB;
        String conversation = space + "/inbox/" + conversationB;
        return List.of(
                Call.get(space),
                Call.get(space + "/settings"),
                Call.get(space + "/channels"),
                Call.get(space + "/channels/new"),
                Call.get(space + "/channels/new/scripted"),
                Call.post(space + "/channels/new/scripted", Map.of("s.name", "Intruder", "s.key", "k")),
                Call.post(space + "/channels/new/scripted/check", Map.of("s.name", "Intruder", "s.key", "k")),
                Call.get(channel),
                Call.post(channel + "/stop", Map.of()),
                Call.post(channel + "/start", Map.of()),
                Call.post(channel + "/restart", Map.of()),
                Call.get(channel + "/edit"),
                Call.post(channel + "/edit", Map.of("s.name", "Intruder", "s.key", "")),
                Call.get(channel + "/token"),
                Call.post(channel + "/token", Map.of("s.key", "other-key")),
                Call.post(channel + "/token/confirm", Map.of("draft", "0123")),
                Call.get(channel + "/delete"),
                Call.post(channel + "/delete", Map.of("history", "purge")),
                Call.get(space + "/inbox"),
                Call.get(space + "/inbox/list"),
                Call.get(conversation),
                Call.get(conversation + "/transcript"),
                Call.post(conversation + "/reply", Map.of("text", "Intruder's reply")),
                Call.get(space + "/inbox/events"),
                // Space B's things under Space A's address
                Call.get("/spaces/" + spaceA + "/channels/" + channelB),
                Call.post("/spaces/" + spaceA + "/channels/" + channelB + "/stop", Map.of()),
                Call.get("/spaces/" + spaceA + "/inbox/" + conversationB),
                Call.post("/spaces/" + spaceA + "/inbox/" + conversationB + "/reply", Map.of("text", "Intruder")));
    }

    /** Every API endpoint of Space B, and Space A's addresses with Space B's channel. */
    List<Call> apiOfSpaceB() {
        String space = "/api/spaces/" + spaceB;
        String channel = space + "/channels/" + channelB;
        String conversations = channel + "/conversations";
        Map<String, String> newChannel = Map.of();
        return List.of(
                Call.get(space),
                Call.get(space + "/channels"),
                Call.post(space + "/channels/validate", newChannel),
                Call.post(space + "/channels", newChannel),
                Call.get(channel),
                new Call("PATCH", channel, Map.of()),
                new Call("DELETE", channel + "?purgeHistory=true", Map.of()),
                Call.post(channel + "/start", Map.of()),
                Call.post(channel + "/stop", Map.of()),
                Call.post(channel + "/restart", Map.of()),
                Call.get(conversations),
                Call.get(conversations + "/" + conversationB + "/messages"),
                Call.post(conversations + "/" + conversationB + "/messages", Map.of()),
                Call.get("/api/spaces/" + spaceA + "/channels/" + channelB),
                Call.get("/api/spaces/" + spaceA + "/channels/" + channelB + "/conversations"));
    }

    private static Object apiBody(Call call) {
        if (call.path().endsWith("/channels/validate") || call.path().endsWith("/channels")) {
            return Map.of("provider", "scripted", "settings", Map.of("name", "Intruder", "key", "k"));
        }
        if (call.method().equals("PATCH")) {
            return Map.of("settings", Map.of("key", "other-key"), "confirmDifferentAccount", true);
        }
        if (call.path().endsWith("/messages")) {
            return Map.of("text", "Intruder's reply");
        }
        return Map.of();
    }

    @Test
    void aSpaceAdminOfAnotherSpaceFindsNothingOnAnyPageOfSpaceB() {
        WebSession alice = WebSession.signIn(port, SPACE_ADMIN, SPACE_ADMIN_PASSWORD);
        alice.get("/spaces/" + spaceA); // a page of her own, for a CSRF token
        SoftAssertions softly = new SoftAssertions();
        for (Call call : pagesOfSpaceB()) {
            Page page = call.method().equals("GET") ? alice.get(call.path()) : alice.post(call.path(), call.form());
            softly.assertThat(page.status()).as(call.toString()).isEqualTo(404);
            softly.assertThat(page.body()).as(call.toString()).doesNotContain(B_NAME, B_CHANNEL, B_MEMBER)
                    .contains("Not found");
        }
        softly.assertAll();
        assertThat(alice.get("/spaces").body()).contains("Alpha").doesNotContain(B_NAME);
    }

    @Test
    void aSpaceAdminOfAnotherSpaceFindsNothingInTheApiOfSpaceB() {
        ApiClient alice = ApiClient.as(port, SPACE_ADMIN, SPACE_ADMIN_PASSWORD);
        SoftAssertions softly = new SoftAssertions();
        for (Call call : apiOfSpaceB()) {
            ApiClient.Response response = switch (call.method()) {
                case "GET" -> alice.get(call.path());
                case "POST" -> alice.post(call.path(), apiBody(call));
                case "PATCH" -> alice.patch(call.path(), apiBody(call));
                default -> alice.delete(call.path());
            };
            softly.assertThat(response.status()).as(call.toString()).isEqualTo(404);
            softly.assertThat(response.text()).as(call.toString()).doesNotContain(B_NAME, B_CHANNEL, B_MEMBER);
        }
        softly.assertAll();
        assertThat(alice.get("/api/spaces").text()).contains("Alpha").doesNotContain(B_NAME);
    }

    @Test
    void anonymousVisitorsAreSentToSignInOrRefused() {
        WebSession anonymous = WebSession.anonymous(port);
        SoftAssertions softly = new SoftAssertions();
        for (Call call : pagesOfSpaceB()) {
            // with a token from the sign-in page, so that the refusal is about who they are, not about CSRF
            Page page = call.method().equals("GET") ? anonymous.get(call.path()) : anonymous.post(call.path(), call.form());
            softly.assertThat(page.status()).as(call.toString()).isEqualTo(302);
            softly.assertThat(page.location()).as(call.toString()).endsWith("/login");
            softly.assertThat(page.body()).as(call.toString()).doesNotContain(B_NAME, B_CHANNEL, B_MEMBER);
        }
        ApiClient api = ApiClient.anonymous(port);
        for (Call call : apiOfSpaceB()) {
            ApiClient.Response response = switch (call.method()) {
                case "GET" -> api.get(call.path());
                case "POST" -> api.post(call.path(), apiBody(call));
                case "PATCH" -> api.patch(call.path(), apiBody(call));
                default -> api.delete(call.path());
            };
            softly.assertThat(response.status()).as(call.toString()).isEqualTo(401);
            softly.assertThat(response.text()).as(call.toString()).doesNotContain(B_NAME, B_CHANNEL, B_MEMBER);
        }
        softly.assertAll();
    }

    @Test
    void thePlatformAdminSeesEveryPageAndEndpointOfSpaceB() {
        WebSession platform = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        SoftAssertions softly = new SoftAssertions();
        List<Call> reads = new ArrayList<>(pagesOfSpaceB().stream()
                .filter(call -> call.method().equals("GET") && call.path().startsWith("/spaces/" + spaceB))
                .toList());
        for (Call call : reads) {
            Page page = platform.get(call.path());
            softly.assertThat(page.status()).as(call.toString()).isEqualTo(200);
        }
        softly.assertThat(platform.get("/spaces/" + spaceB).body()).contains(B_NAME);
        softly.assertThat(platform.get("/spaces/" + spaceB + "/inbox/" + conversationB).body())
                .contains(B_MEMBER, "A private message of Space B");
        softly.assertThat(platform.get("/spaces").body()).contains("Alpha", B_NAME);
        for (Call call : apiOfSpaceB()) {
            if (call.method().equals("GET") && call.path().startsWith("/api/spaces/" + spaceB)) {
                softly.assertThat(admin.get(call.path()).status()).as(call.toString()).isEqualTo(200);
            }
        }
        softly.assertAll();
    }

    @Test
    void theUsersPageIsThePlatformAdminsAlone() {
        WebSession alice = WebSession.signIn(port, SPACE_ADMIN, SPACE_ADMIN_PASSWORD);
        WebSession platform = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);

        assertThat(alice.get("/users").status()).isEqualTo(404);
        alice.get("/spaces/" + spaceA);
        assertThat(alice.post("/users", Map.of("username", "mallory", "password", "mallory-password-1")).status())
                .isEqualTo(404);
        assertThat(alice.post("/spaces", Map.of("name", "Alice's own")).status()).isEqualTo(404);
        assertThat(alice.get("/spaces").body()).doesNotContain("Create a Space", "href=\"/users\"");
        assertThat(platform.get("/users").body()).contains(SPACE_ADMIN, "Alpha").doesNotContain("mallory");
        assertThat(WebSession.anonymous(port).get("/users").location()).endsWith("/login");
    }

    @Test
    void thePluginsPageAndTheReloadOfPluginsAreThePlatformAdminsAlone() {
        WebSession alice = WebSession.signIn(port, SPACE_ADMIN, SPACE_ADMIN_PASSWORD);
        ApiClient aliceApi = ApiClient.as(port, SPACE_ADMIN, SPACE_ADMIN_PASSWORD);
        WebSession platform = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);

        assertThat(alice.get("/settings/plugins").status()).isEqualTo(404);
        alice.get("/spaces/" + spaceA);
        assertThat(alice.post("/settings/plugins/reload", Map.of()).status()).isEqualTo(404);
        assertThat(alice.get("/spaces").body()).doesNotContain("href=\"/settings/plugins\"");
        assertThat(aliceApi.get("/api/plugins").status()).isEqualTo(403);
        assertThat(aliceApi.post("/api/plugins/reload", Map.of()).status()).isEqualTo(403);
        assertThat(WebSession.anonymous(port).get("/settings/plugins").location()).endsWith("/login");
        assertThat(ApiClient.anonymous(port).post("/api/plugins/reload", Map.of()).status()).isEqualTo(401);

        assertThat(platform.get("/spaces").body()).contains("href=\"/settings/plugins\"");
        assertThat(platform.get("/settings/plugins").body()).contains("Reload plugins directory");
        assertThat(platform.postRaw("/settings/plugins/reload", Map.of()).status()).as("without a CSRF token")
                .isEqualTo(403);
        assertThat(platform.post("/settings/plugins/reload", Map.of()).location()).endsWith("/settings/plugins");
        assertThat(admin.get("/api/plugins").status()).isEqualTo(200);
    }

    /** After every other test of the matrix: the refused requests changed nothing. */
    @Test
    @Order(Integer.MAX_VALUE)
    void nothingOfSpaceBChangedAfterTheMatrix() {
        String channel = "/api/spaces/" + spaceB + "/channels/" + channelB;
        assertThat(admin.get(channel).status()).isEqualTo(200);
        assertThat(admin.get(channel).body().get("name").asString()).isEqualTo(B_CHANNEL);
        assertThat(admin.get(channel).body().get("enabled").asBoolean()).isTrue();
        assertThat(admin.get("/api/spaces/" + spaceB + "/channels").body().size()).isEqualTo(1);
        assertThat(admin.get(channel + "/conversations/" + conversationB + "/messages").text())
                .doesNotContain("Intruder");
        assertThat(ScriptedProvider.channel(B_CHANNEL).sent).isEmpty();
        assertThat(admin.get("/api/spaces/" + spaceB + "/channels/" + channelB).body().get("history").toString())
                .doesNotContain(SPACE_ADMIN);
    }
}
