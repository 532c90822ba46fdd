package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Telegram keeps up to {@code max_connections} (40 by default) open to each webhook bot between its updates, so a
 * host with many webhook bots holds thousands of idle keep-alive connections. Those of 60 bots, each connection having
 * served a request, must leave room for one more client: with at most 2,000 connections, the 2,001st waited for one of
 * them to close (after the 20 s keep-alive timeout), and the API and the pages timed out (issue 12's benchmark with
 * 200 bots).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenConnectionsTest {

    private static final int WEBHOOK_BOTS = 60;
    private static final int CONNECTIONS_PER_BOT = 40;
    /** Far less than the keep-alive timeout (20 s): an answer within it came from a free slot, not a closed one. */
    private static final int READ_TIMEOUT_MILLIS = 5_000;

    @LocalServerPort
    int port;

    @Test
    void oneMoreClientIsServedWhileManyWebhooksKeepTheirConnectionsOpen() throws IOException {
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < WEBHOOK_BOTS * CONNECTIONS_PER_BOT; i++) {
                Socket socket = new Socket("localhost", port);
                open.add(socket);
                assertThat(get(socket, "connection " + (i + 1))).startsWith("HTTP/1.1 200");
            }
            try (Socket newcomer = new Socket("localhost", port)) {
                assertThat(get(newcomer, "one more client")).startsWith("HTTP/1.1 200");
            }
            assertThat(get(open.getFirst(), "the first connection, still open")).startsWith("HTTP/1.1 200");
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
    }

    /** The head of the answer to one request on a kept-alive connection. */
    private static String get(Socket socket, String which) throws IOException {
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        try {
            return RawHttp.get(socket, "/favicon.svg").head();
        } catch (SocketTimeoutException e) {
            throw new AssertionError(which + " got no answer within " + READ_TIMEOUT_MILLIS + " ms", e);
        }
    }
}
