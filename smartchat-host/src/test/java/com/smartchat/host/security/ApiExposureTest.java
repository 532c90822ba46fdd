package com.smartchat.host.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.web.WebSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the host shows beyond a Space's own API, and to whom: health details and the other actuator endpoints span
 * every Space, so only platform admins get them; a browser cannot drive the API for another site with the Basic
 * credentials it cached; and requests no page sends get a 4xx that names nothing of the inside.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiExposureTest {

    private static final String SPACE_ADMIN = "exposure-admin";
    private static final String PASSWORD = "exposure-password-1";
    private static final String CHANNEL = "Exposure-Secret-Channel";

    @LocalServerPort
    int port;
    ApiClient platform;
    String space;
    String channel;

    @BeforeAll
    void aSpaceWithAChannelAndItsAdmin() {
        platform = ApiClient.admin(port);
        space = platform.post("/api/spaces", Map.of("name", "Exposure")).body().get("id").asString();
        channel = platform.post("/api/spaces/" + space + "/channels", Map.of("provider", "scripted",
                "settings", Map.of("name", CHANNEL, "key", "k"))).body().get("id").asString();
        WebSession admin = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        assertThat(admin.post("/users", Map.of("username", SPACE_ADMIN, "password", PASSWORD)).status()).isEqualTo(302);
        assertThat(admin.post("/users/" + SPACE_ADMIN + "/grants", Map.of("space", space)).status()).isEqualTo(302);
        await().atMost(Duration.ofSeconds(30)).until(() -> state().equals("RUNNING"));
    }

    private String state() {
        return platform.get("/api/spaces/" + space + "/channels/" + channel).body().get("state").asString();
    }

    @Test
    void healthDetailsAreForPlatformAdminsOnly() {
        for (ApiClient other : new ApiClient[] {ApiClient.as(port, SPACE_ADMIN, PASSWORD), ApiClient.anonymous(port)}) {
            ApiClient.Response health = other.get("/actuator/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body().has("components")).isFalse();
            assertThat(health.text()).doesNotContain(CHANNEL, "diskSpace", "path");
        }
        assertThat(platform.get("/actuator/health").text()).contains(CHANNEL, "diskSpace");
    }

    @Test
    void theOtherActuatorEndpointsAreForPlatformAdminsOnly() {
        ApiClient spaceAdmin = ApiClient.as(port, SPACE_ADMIN, PASSWORD);
        for (String endpoint : new String[] {"/actuator", "/actuator/info", "/actuator/metrics",
                "/actuator/metrics/http.server.requests", "/actuator/prometheus", "/actuator/health/readiness"}) {
            if (endpoint.endsWith("readiness")) {
                assertThat(spaceAdmin.get(endpoint).text()).as(endpoint).doesNotContain(CHANNEL, "components");
                continue;
            }
            assertThat(spaceAdmin.get(endpoint).status()).as(endpoint).isEqualTo(403);
            assertThat(ApiClient.anonymous(port).get(endpoint).status()).as(endpoint).isEqualTo(401);
        }
        assertThat(platform.get("/actuator/metrics").status()).isEqualTo(200);
    }

    @Test
    void aPageOfAnotherSiteCannotStopAChannelWithTheBrowsersCachedCredentials() throws Exception {
        String stop = "/api/spaces/" + space + "/channels/" + channel + "/stop";
        // what a browser sends for a form on https://evil.example that posts to the host, with no body at all
        assertThat(browserPost(stop, Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")).statusCode())
                .isEqualTo(403);
        assertThat(browserPost(stop, Map.of("Sec-Fetch-Site", "same-site")).statusCode()).isEqualTo(403);
        // an older browser: Origin only, of another site, another port, or "null" from a sandboxed frame
        assertThat(browserPost(stop, Map.of("Origin", "https://evil.example")).statusCode()).isEqualTo(403);
        assertThat(browserPost(stop, Map.of("Origin", "http://localhost:1")).statusCode()).isEqualTo(403);
        assertThat(browserPost(stop, Map.of("Origin", "null")).statusCode()).isEqualTo(403);
        assertThat(state()).isEqualTo("RUNNING");

        HttpResponse<String> sameOrigin = browserPost(stop, Map.of("Origin", "http://localhost:" + port,
                "Sec-Fetch-Site", "same-origin"));
        assertThat(sameOrigin.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> state().equals("STOPPED"));
        // a program sends neither header
        assertThat(platform.post("/api/spaces/" + space + "/channels/" + channel + "/start", Map.of()).status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> state().equals("RUNNING"));
    }

    private HttpResponse<String> browserPost(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (ApiClient.ADMIN + ":" + ApiClient.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void aMultipartFormWithAFileWhereTextBelongsIsRefusedWithoutAServerError() {
        WebSession admin = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        // multipart forms are read (a reply may carry a file), with their CSRF token; a file is no text field
        WebSession.Page space = admin.postMultipartFile("/spaces", "name", "payload.bin", new byte[] {1, 2, 3});
        assertThat(space.status()).isBetween(200, 499);
        assertThat(space.body()).doesNotContain("Multipart", "convert", "Exception");
        WebSession.Page reply = admin.postMultipartFile("/spaces/" + this.space + "/inbox/" + "0".repeat(8)
                + "-0000-0000-0000-" + "0".repeat(12) + "/reply", "text", "payload.bin", new byte[] {1, 2, 3});
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.body()).doesNotContain("Multipart", "convert", "Exception");
    }

    @Test
    void theErrorPathIsNoPage() {
        assertThat(WebSession.anonymous(port).get("/error").status()).isEqualTo(404);
        WebSession admin = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        WebSession.Page page = admin.get("/error");
        assertThat(page.status()).isEqualTo(404);
        assertThat(page.body()).doesNotContain("999");
    }
}
