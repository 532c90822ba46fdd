package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP/1.1 over a plain socket, for tests about the connection itself: keep-alive, slow and idle clients. */
final class RawHttp {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length: *(\\d+)");

    /** An answer read off a connection that stays open: its head, and its body by the head's Content-Length. */
    record Response(String head, byte[] body) {
    }

    private RawHttp() {
    }

    /** Sends {@code GET path} on the connection and reads the whole answer, leaving the connection open. */
    static Response get(Socket socket, String path) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        Matcher length = CONTENT_LENGTH.matcher(head);
        assertThat(length.find()).as(head).isTrue();
        return new Response(head, in.readNBytes(Integer.parseInt(length.group(1))));
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
