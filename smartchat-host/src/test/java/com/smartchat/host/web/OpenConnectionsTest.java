package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length: *(\\d+)");

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

    /** One request on a kept-alive connection: the head of its answer, the body read past. */
    private static String get(Socket socket, String which) throws IOException {
        try {
            return get(socket);
        } catch (SocketTimeoutException e) {
            throw new AssertionError(which + " got no answer within " + READ_TIMEOUT_MILLIS + " ms", e);
        }
    }

    private static String get(Socket socket) throws IOException {
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.getOutputStream().write("GET /favicon.svg HTTP/1.1\r\nHost: localhost\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        Matcher length = CONTENT_LENGTH.matcher(head);
        assertThat(length.find()).as(head.toString()).isTrue();
        in.readNBytes(Integer.parseInt(length.group(1)));
        return head.toString();
    }
}
