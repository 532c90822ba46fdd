package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import com.smartchat.host.security.SecurityConfiguration;
import com.smartchat.host.web.WebSession.Page;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Form login and logout, CSRF on every form, the pages' security headers and session cookie. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PageSecurityTest {

    @LocalServerPort
    int port;

    @Test
    void signingInWithTheAdminCredentialsOpensTheSpacesAndSigningOutClosesThem() {
        WebSession browser = WebSession.anonymous(port);
        assertThat(browser.get("/spaces").location()).endsWith("/login");
        Page form = browser.get("/login");
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.body()).contains("<label for=\"username\"", "<label for=\"password\"", "name=\"_csrf\"");

        Page wrong = browser.post("/login", Map.of("username", ApiClient.ADMIN, "password", "not-the-password"));
        assertThat(wrong.location()).endsWith("/login?error");
        assertThat(browser.get("/login?error").body()).contains("do not match");

        Page signedIn = browser.post("/login", Map.of("username", ApiClient.ADMIN, "password", ApiClient.ADMIN_PASSWORD));
        assertThat(signedIn.status()).isEqualTo(302);
        assertThat(signedIn.location()).contains("/spaces"); // where they were going
        List<String> cookies = signedIn.headers().allValues("Set-Cookie");
        assertThat(cookies).anySatisfy(cookie -> assertThat(cookie).startsWith("JSESSIONID=")
                .containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict"));
        assertThat(browser.get("/spaces").status()).isEqualTo(200);
        assertThat(browser.get("/").location()).endsWith("/spaces");

        Page signedOut = browser.post("/logout", Map.of());
        assertThat(signedOut.location()).endsWith("/login?logout");
        assertThat(browser.get("/spaces").location()).endsWith("/login");
    }

    @Test
    void everyFormNeedsTheSessionsCsrfToken() {
        WebSession browser = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        Page spaces = browser.get("/spaces");
        assertThat(spaces.body()).contains("name=\"_csrf\"");

        Page withoutToken = browser.postRaw("/spaces", Map.of("name", "Forged"));
        Page wrongToken = browser.postRaw("/spaces", Map.of("name", "Forged", "_csrf", "forged-token"));
        Page logoutWithoutToken = browser.postRaw("/logout", Map.of());

        assertThat(withoutToken.status()).isEqualTo(403);
        assertThat(withoutToken.body()).contains("This form has expired");
        assertThat(wrongToken.status()).isEqualTo(403);
        assertThat(logoutWithoutToken.status()).isEqualTo(403);
        assertThat(browser.get("/spaces").body()).doesNotContain("Forged");
        Page withToken = browser.post("/spaces", Map.of("name", "Genuine"));
        assertThat(withToken.status()).isEqualTo(302);
        assertThat(browser.get(withToken.location().replaceFirst("^https?://[^/]+", "")).body()).contains("Genuine");
    }

    @Test
    void pagesSendStrictSecurityHeaders() {
        WebSession browser = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        for (Page page : List.of(browser.get("/spaces"), browser.get("/login"), WebSession.anonymous(port).get("/login"),
                browser.get("/spaces/00000000-0000-0000-0000-000000000000"))) {
            assertThat(page.header("Content-Security-Policy")).isEqualTo(SecurityConfiguration.PAGE_CSP)
                    .contains("script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
            assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(page.header("Referrer-Policy")).isEqualTo("same-origin");
            assertThat(page.header("Cache-Control")).contains("no-store");
        }
    }

    @Test
    void pagesCarryNoInlineScriptOrStyle() {
        WebSession browser = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        Page created = browser.post("/spaces", Map.of("name", "Inline check"));
        String space = created.location().replaceFirst("^https?://[^/]+", "");
        for (String path : List.of("/spaces", space, space + "/settings", space + "/channels", space + "/channels/new",
                space + "/channels/new/scripted", space + "/inbox", "/users", "/login")) {
            String body = browser.get(path).body();
            assertThat(body).as(path).doesNotContainPattern("<script(?![^>]*\\ssrc=)").doesNotContain("style=", "<style",
                    "onclick=", "onload=", "javascript:");
        }
    }

    @Test
    void anUnknownPageIsAPageNotJson() {
        WebSession browser = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        Page unknownSpace = browser.get("/spaces/00000000-0000-0000-0000-000000000000/channels");
        Page notAnId = browser.get("/spaces/not-an-id");
        Page nowhere = browser.get("/no-such-page");

        assertThat(unknownSpace.status()).isEqualTo(404);
        assertThat(unknownSpace.header("Content-Type")).startsWith("text/html");
        assertThat(unknownSpace.body()).contains("Not found");
        assertThat(notAnId.status()).isEqualTo(404);
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(nowhere.body()).contains("Not found");
    }
}
