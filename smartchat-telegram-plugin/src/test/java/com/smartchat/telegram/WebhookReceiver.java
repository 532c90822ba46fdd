package com.smartchat.telegram;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.spi.WebhookResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small local HTTP server that plays the host's {@code POST /hooks/{id}}: it hands each request's headers and body
 * to the channel it routes to and answers with the channel's status, so that the emulator delivers webhooks to a
 * channel for real. It can also answer every request with a fixed status, as a host that is down would.
 */
final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Integer> answers = new ArrayList<>();
    private volatile Channel channel;
    private volatile int forcedStatus;

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/hooks/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The address of a webhook with this opaque id. */
    String url(String id) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + id;
    }

    /** Hands requests to this channel from now on; {@code null} answers 503, as the host does for a stopped one. */
    void routeTo(Channel channel) {
        this.channel = channel;
    }

    /** Answers every request with this status without asking the channel; 0 asks the channel again. */
    void answerEverythingWith(int status) {
        this.forcedStatus = status;
    }

    /** Every status answered so far, in order. */
    List<Integer> answers() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, List<String>> headers = new LinkedHashMap<>(exchange.getRequestHeaders());
            int forced = forcedStatus;
            Channel target = channel;
            WebhookResponse response = forced != 0 ? WebhookResponse.of(forced, "forced by the test")
                    : target == null ? WebhookResponse.of(503, "not running")
                    : target.handleWebhook(new WebhookRequest(headers, body));
            synchronized (answers) {
                answers.add(response.status());
            }
            byte[] text = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(response.status(), text.length == 0 ? -1 : text.length);
            if (text.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(text);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
