package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The inbox pages' live-update streams, over raw sockets: streams whose pages vanish without a goodbye (the socket
 * reset, as when a laptop lid closes) are found by the heartbeat and released, even when nothing happens in the
 * inbox; and one user cannot hold more than the configured number of streams, while another user still gets one.
 * The count is the host's own gauge {@code smartchat.live.streams}, read through the actuator as an operator would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "smartchat.live.heartbeat=300ms",
        "smartchat.live.max-streams-per-user=4"})
class LiveStreamsTest {

    private static final int CAP = 4;
    /** Many heartbeats: a bound, not a speed. */
    private static final Duration RELEASE_BOUND = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    private WebSession admin;
    private WebSession carol;
    private String events;

    @BeforeEach
    void spaceWithTwoAdmins() {
        admin = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        String space = admin.post("/spaces", Map.of("name", "Live Space")).location().replaceFirst("^https?://[^/]+", "");
        String spaceId = space.substring(space.lastIndexOf('/') + 1);
        String carolName = "carol" + System.nanoTime();
        admin.post("/users", Map.of("username", carolName, "password", "carols-password-1"));
        admin.post("/users/" + carolName + "/grants", Map.of("space", spaceId));
        carol = WebSession.signIn(port, carolName, "carols-password-1");
        events = space + "/inbox/events";
        awaitOpenStreams(count -> count == 0);
    }

    @Test
    void streamsOfVanishedPagesAreReleasedByTheHeartbeat() throws Exception {
        List<Socket> streams = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            streams.add(openStream(admin));
            streams.add(openStream(carol));
        }
        assertThat(openStreams()).isEqualTo(2 * CAP);

        for (Socket stream : streams) {
            stream.setSoLinger(true, 0); // a reset, no orderly close
            stream.close();
        }

        assertThat(awaitOpenStreams(count -> count == 0)).as("open streams %s after the pages vanished",
                RELEASE_BOUND).isZero();
    }

    @Test
    void aUserHoldsAtMostTheCapWhileAnotherUserStillGetsAStream() throws Exception {
        List<Socket> streams = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            streams.add(openStream(admin));
        }
        assertThat(admin.get(events, "text/event-stream").status()).isEqualTo(429);
        streams.add(openStream(carol));
        assertThat(openStreams()).isEqualTo(CAP + 1);

        Socket first = streams.removeFirst();
        first.setSoLinger(true, 0);
        first.close();
        assertThat(awaitOpenStreams(count -> count == CAP)).isEqualTo(CAP);
        streams.add(openStream(admin)); // a released stream makes room again
        assertThat(openStreams()).isEqualTo(CAP + 1);
        for (Socket stream : streams) {
            stream.close();
        }
    }

    /** Opens an inbox page's event stream as the session's user, and reads until the stream's first comment. */
    private Socket openStream(WebSession as) throws IOException {
        Socket socket = new Socket("localhost", port);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET " + events + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Accept: text/event-stream\r\nCookie: " + as.cookieHeader() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains(":listening")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("The stream ended: " + seen);
            }
            seen.append((char) b);
        }
        assertThat(seen.toString()).startsWith("HTTP/1.1 200").containsIgnoringCase("text/event-stream");
        return socket;
    }

    private int openStreams() {
        ApiClient.Response metric = ApiClient.admin(port).get("/actuator/metrics/smartchat.live.streams?tag=kind:inbox");
        assertThat(metric.status()).as(metric.text()).isEqualTo(200);
        return (int) metric.body().get("measurements").get(0).get("value").asDouble();
    }

    private int awaitOpenStreams(IntPredicate wanted) {
        long until = System.nanoTime() + RELEASE_BOUND.toNanos();
        int count = openStreams();
        while (!wanted.test(count) && System.nanoTime() < until) {
            sleep();
            count = openStreams();
        }
        return count;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
