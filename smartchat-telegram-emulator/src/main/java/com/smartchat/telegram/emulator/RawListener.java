package com.smartchat.telegram.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whatever answers at an address that is not a Bot API server, for tests that play the attacker: a plain TCP
 * listener on a loopback port that counts every connection, records every byte it receives, and answers each
 * connection with the same fixed bytes (an SSH banner, a redirect, plain text...) once the request has arrived.
 * Nothing here speaks HTTP, so it shows exactly what a client sent.
 */
public final class RawListener implements AutoCloseable {

    private final ServerSocket socket;
    private final byte[] answer;
    private final boolean answerFirst;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger accepted = new AtomicInteger();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    private RawListener(byte[] answer, boolean answerFirst) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.answer = answer.clone();
        this.answerFirst = answerFirst;
        connections.submit(this::acceptLoop);
    }

    /** A listener that reads the request (until a short pause) and then answers {@code answer} and closes. */
    public static RawListener answering(String answer) throws IOException {
        return new RawListener(answer.getBytes(StandardCharsets.UTF_8), false);
    }

    /** A listener that speaks first, as SSH and many other services do, then reads and closes. */
    public static RawListener greeting(String banner) throws IOException {
        return new RawListener(banner.getBytes(StandardCharsets.UTF_8), true);
    }

    /** An HTTP answer with this status line, headers and body, for {@link #answering(String)}. */
    public static String http(String statusLine, String headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "HTTP/1.1 " + statusLine + "\r\n" + headers + "Content-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n" + body;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** How many connections were accepted. */
    public int connections() {
        return accepted.get();
    }

    /** Every byte received so far, on every connection, as text. */
    public String received() {
        synchronized (received) {
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                accepted.incrementAndGet();
                connections.submit(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            if (answerFirst) {
                connection.getOutputStream().write(answer);
                connection.getOutputStream().flush();
            }
            connection.setSoTimeout(300); // a request has arrived once the client pauses
            InputStream in = connection.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    synchronized (received) {
                        received.write(buffer, 0, n);
                    }
                }
            } catch (SocketTimeoutException pause) {
                // the client waits for an answer
            }
            if (!answerFirst) {
                connection.getOutputStream().write(answer);
                connection.getOutputStream().flush();
            }
        } catch (IOException e) {
            // the client went away: what it sent is recorded
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        connections.shutdownNow();
    }
}
