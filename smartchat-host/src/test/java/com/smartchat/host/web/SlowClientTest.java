package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Slow and idle clients are cut off, over raw sockets against the real server. A client that sends its headers and
 * then one byte of its body every 300 ms (well inside the 1 s read timeout, so that no single read ever times out)
 * is disconnected soon after the 3 s body deadline: on a webhook with an unknown id (whose 404 does not read the
 * body), on an API POST and on a page POST (a form, read by the CSRF check before anyone signed in). Without the
 * deadline such a client holds the connection for the whole 10,000-byte body, about 50 minutes. An idle connection
 * is closed after the 2 s keep-alive timeout. Normal requests, keep-alive included, still work. The bounds are
 * generous multiples of the configured times, not measurements of speed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.tomcat.connection-timeout=1s",
        "server.tomcat.keep-alive-timeout=2s",
        "smartchat.http.body-deadline=3s"})
class SlowClientTest {

    /** Far more than deadline plus one read timeout (4 s), far less than the drip would take (50 min). */
    private static final Duration CUT_OFF_BOUND = Duration.ofSeconds(20);
    private static final Duration DRIP = Duration.ofMillis(300);
    private static final int DECLARED_LENGTH = 10_000;

    @LocalServerPort
    int port;

    @Test
    void aDrippingBodyToAnUnknownWebhookIsCutOffAfterItsAnswer() throws Exception {
        Cut cut = drip("POST /hooks/" + UUID.randomUUID() + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + DECLARED_LENGTH + "\r\n\r\n{");
        assertThat(cut.closed()).as("closed within %s; the server said: %s", CUT_OFF_BOUND, cut.response()).isTrue();
        assertThat(cut.response()).startsWith("HTTP/1.1 404");
    }

    @Test
    void aDrippingJsonBodyToTheApiIsCutOff() throws Exception {
        String basic = Base64.getEncoder().encodeToString((ApiClient.ADMIN + ":" + ApiClient.ADMIN_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        Cut cut = drip("POST /api/spaces HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic " + basic + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + DECLARED_LENGTH + "\r\n\r\n{\"name\":\"");
        assertThat(cut.closed()).as("closed within %s; the server said: %s", CUT_OFF_BOUND, cut.response()).isTrue();
        assertThat(cut.response()).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close");
        assertThat(ApiClient.admin(port).get("/api/spaces").text()).doesNotContain("aaaa");
    }

    @Test
    void aDrippingFormToAPageIsCutOffBeforeAnyoneSignedIn() throws Exception {
        Cut cut = drip("POST /login HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + DECLARED_LENGTH + "\r\n\r\n"
                + "username=");
        assertThat(cut.closed()).as("closed within %s; the server said: %s", CUT_OFF_BOUND, cut.response()).isTrue();
        assertThat(cut.response()).startsWith("HTTP/1.1 408").containsIgnoringCase("connection: close");
    }

    @Test
    void anIdleConnectionIsClosedAfterTheKeepAliveTimeout() throws Exception {
        try (Socket socket = socket()) {
            socket.getOutputStream().write(("GET /favicon.svg HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<String> all = CompletableFuture.supplyAsync(() -> readToEnd(socket));
            String response = all.get(CUT_OFF_BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(response).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");
        }
    }

    @Test
    void normalRequestsStillWorkAndAConnectionServesSeveral() throws Exception {
        assertThat(ApiClient.admin(port).post("/api/spaces", Map.of("name", "Quick Space")).status()).isEqualTo(201);
        WebSession page = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        WebSession.Page created = page.post("/spaces?from=test", Map.of("name", "Quick Page Space"));
        assertThat(created.status()).isEqualTo(302);
        assertThat(page.get(created.location().replaceFirst("^https?://[^/]+", "")).body()).contains("Quick Page Space");

        try (Socket socket = socket()) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response answer = RawHttp.get(socket, "/favicon.svg");
                assertThat(answer.head()).startsWith("HTTP/1.1 200");
                assertThat(answer.body()).isNotEmpty();
            }
        }
    }

    /**
     * What a dripping client got.
     *
     * @param closed whether the server closed the connection within the bound
     * @param response what the server sent before closing
     */
    private record Cut(boolean closed, String response) {
    }

    /** Sends the head, then one more byte every {@link #DRIP}, until the server closes or the bound passes. */
    private Cut drip(String head) throws Exception {
        try (Socket socket = socket()) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> readToEnd(socket));
            long until = System.nanoTime() + CUT_OFF_BOUND.toNanos();
            while (!response.isDone() && System.nanoTime() < until) {
                try {
                    out.write('a');
                    out.flush();
                } catch (IOException e) {
                    break; // the server closed
                }
                Thread.sleep(DRIP);
            }
            long left = Math.max(0, until - System.nanoTime());
            try {
                return new Cut(true, response.get(left, TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                return new Cut(false, "(still open)");
            }
        }
    }

    private Socket socket() throws IOException {
        Socket socket = new Socket("localhost", port);
        socket.setSoTimeout((int) CUT_OFF_BOUND.multipliedBy(2).toMillis());
        return socket;
    }

    /** Everything until the server closes; a reset counts as closed. */
    private static String readToEnd(Socket socket) {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                seen.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // closed by the server, without the courtesy of a FIN
        } catch (IOException e) {
            throw new IllegalStateException("No end of the response: " + seen.toString(StandardCharsets.ISO_8859_1), e);
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }
}
