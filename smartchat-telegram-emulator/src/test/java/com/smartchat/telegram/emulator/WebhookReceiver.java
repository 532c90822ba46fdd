package com.smartchat.telegram.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;

/** A bot's webhook endpoint for tests: records what arrives, can fail, hold or answer with a method call. */
final class WebhookReceiver implements AutoCloseable {

    /** One delivery attempt. */
    record Delivery(String body, Headers headers) {
    }

    private final HttpServer server;
    private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile int failuresLeft;
    private volatile int failureStatus = 500;
    private volatile String answer = "";
    private volatile CountDownLatch hold = new CountDownLatch(0);

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                attempts.incrementAndGet();
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                hold.await(10, TimeUnit.SECONDS);
                int status = 200;
                byte[] response = answer.getBytes(StandardCharsets.UTF_8);
                synchronized (this) {
                    if (failuresLeft > 0) {
                        failuresLeft--;
                        status = failureStatus;
                        response = new byte[0];
                    }
                }
                if (status == 200) {
                    deliveries.add(new Delivery(body, exchange.getRequestHeaders()));
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                }
                exchange.sendResponseHeaders(status, response.length == 0 ? -1 : response.length);
                exchange.getResponseBody().write(response);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/telegram/webhook";
    }

    /** The next failed attempts answer this status. */
    synchronized WebhookReceiver failNext(int count, int status) {
        failuresLeft = count;
        failureStatus = status;
        return this;
    }

    /** Successful answers carry this body (a Bot API call, for example). */
    WebhookReceiver answerWith(String json) {
        answer = json;
        return this;
    }

    /** Holds every request until {@link #release()}. */
    WebhookReceiver holdRequests() {
        hold = new CountDownLatch(1);
        return this;
    }

    void release() {
        hold.countDown();
    }

    Delivery next(Duration timeout) throws InterruptedException {
        Delivery delivery = deliveries.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (delivery == null) {
            throw new AssertionError("no webhook delivery within " + timeout + " (" + attempts.get() + " attempts)");
        }
        return delivery;
    }

    int attempts() {
        return attempts.get();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
