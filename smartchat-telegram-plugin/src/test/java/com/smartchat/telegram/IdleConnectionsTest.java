package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A send never goes out on a connection that its server has closed for being idle: it would fail with no way to
 * know whether it was carried out, and the message would become uncertain. Against a real socket server that
 * closes a connection idle for 300 ms, as servers do after their keep-alive time.
 */
class IdleConnectionsTest {

    private static final Duration SERVER_IDLE_TIMEOUT = Duration.ofMillis(300);

    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private SharedHttp http;

    @BeforeEach
    void startServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws IOException {
        if (http != null) {
            http.close();
        }
        server.close();
    }

    @Test
    void aSendAfterTheServerClosedTheIdleConnectionGoesOutOnANewOne() throws Exception {
        http = new SharedHttp(SERVER_IDLE_TIMEOUT.dividedBy(2));
        assertThat(send()).isEqualTo(200);

        Thread.sleep(SERVER_IDLE_TIMEOUT.multipliedBy(2));

        assertThat(send()).isEqualTo(200);
        assertThat(connections).hasValue(2);
    }

    @Test
    void aPoolThatKeepsConnectionsLongerThanItsServerWouldLoseTheSend() throws Exception {
        http = new SharedHttp(SERVER_IDLE_TIMEOUT.multipliedBy(100));
        assertThat(send()).isEqualTo(200);

        Thread.sleep(SERVER_IDLE_TIMEOUT.multipliedBy(2));

        // the reason for the plugin's lifetime: no answer, and no telling whether the server carried the send out
        assertThat(catchThrowable(this::send)).isInstanceOf(IOException.class);
        assertThat(connections).hasValue(1);
    }

    @Test
    void theLifetimeIsShorterThanTheEmulatorsServerKeepsAnIdleConnection() {
        assertThat(SharedHttp.IDLE_CONNECTION_LIFETIME).isLessThan(Duration.ofSeconds(30));
    }

    private int send() throws IOException {
        Request request = new Request.Builder()
                .url("http://127.0.0.1:" + server.getLocalPort() + "/botTOKEN/sendMessage")
                .post(RequestBody.create("{\"chat_id\":1,\"text\":\"hi\"}", MediaType.get("application/json")))
                .build();
        try (Response response = http.requests().newCall(request).execute()) {
            return response.code();
        }
    }

    /** Answers each request on the connection, and closes it once it has been idle for {@link #SERVER_IDLE_TIMEOUT}. */
    private static void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout((int) SERVER_IDLE_TIMEOUT.toMillis());
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                in.readNBytes(contentLength(head));
                byte[] body = "{\"ok\":true,\"result\":true}".getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (SocketTimeoutException idle) {
            // closed by the try: the server's keep-alive time is over
        } catch (IOException e) {
            // the client went away
        }
    }

    /** The request line and headers, or {@code null} when the client closed the connection. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            String text = head.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return 0;
    }
}
