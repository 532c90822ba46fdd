package com.smartchat.telegram;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * A scripted Bot API for the few answers the emulator is not meant to give (a user account's token, an update type
 * newer than TelegramBots): each method answers its scripted JSON, {@code getUpdates} each scripted batch once and
 * then an empty list after a short wait.
 */
final class StubBotApi implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> batches = new ConcurrentLinkedQueue<>();

    private StubBotApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String method = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            exchange.getRequestBody().readAllBytes();
            String body;
            if (method.equals("getupdates")) {
                body = batches.poll();
                if (body == null) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    body = "{\"ok\":true,\"result\":[]}";
                }
            } else {
                body = answers.getOrDefault(method, "{\"ok\":true,\"result\":true}");
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    static StubBotApi start() throws IOException {
        return new StubBotApi();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What a method answers, as Bot API JSON. */
    void answer(String method, String json) {
        answers.put(method.toLowerCase(Locale.ROOT), json);
    }

    /** A getUpdates answer to give once. */
    void updates(String json) {
        batches.add(json);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
