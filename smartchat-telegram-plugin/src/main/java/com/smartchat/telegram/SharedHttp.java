package com.smartchat.telegram;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The one HTTP client every channel of this provider shares: one connection pool, one dispatcher whose calls run
 * on virtual threads, a per-host limit high enough for thousands of bots, and a read timeout above the longest
 * poll. The provider owns it and {@link #close() closes} it when the host closes the provider.
 *
 * <p>{@link #requests()} and {@link #probe()} are views of the same client ({@link OkHttpClient#newBuilder()}
 * shares the pool and dispatcher) that only add an overall deadline per call.
 */
final class SharedHttp {

    /** Longer than the longest poll ({@link TelegramConfig#MAX_POLL_TIMEOUT_SECONDS}). */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(TelegramConfig.MAX_POLL_TIMEOUT_SECONDS + 20);
    /** The deadline of a send. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The deadline of a check (validate, start-up checks, diagnostics): the host waits on these. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(4);

    private static final MediaType JSON = MediaType.get("application/json");

    /**
     * How long a connection may wait in the pool for its next send: less than servers keep an idle connection open
     * (the JDK's HTTP server, which the Bot API emulator runs on, closes it after 30 s; nginx's default is 75 s). A
     * send on a connection that its server is closing fails with no way to know whether it was carried out, and a
     * send is never repeated: the message becomes uncertain. OkHttp's default is 5 minutes.
     */
    static final Duration IDLE_CONNECTION_LIFETIME = Duration.ofSeconds(20);

    /**
     * Long polls are spread over this many connection pools. OkHttp looks through every connection of a pool each
     * time a call starts and each time one ends, so with one pool an idle host's work grows with the square of its
     * channels: with 2,000 polling channels, 40 % of its CPU samples were OkHttp going through its pool.
     */
    static final int POLLING_POOLS = 16;

    private final OkHttpClient client;
    private final OkHttpClient requests;
    private final OkHttpClient probe;
    private final OkHttpClient[] pollingClients = new OkHttpClient[POLLING_POOLS];
    private final AtomicInteger nextPollingClient = new AtomicInteger();
    private final ExecutorService callThreads;

    SharedHttp() {
        this(IDLE_CONNECTION_LIFETIME);
    }

    /** With connections for sends and checks kept idle at most {@code idleConnectionLifetime}. */
    SharedHttp(Duration idleConnectionLifetime) {
        callThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("telegram-http-", 0).factory());
        Dispatcher dispatcher = new Dispatcher(callThreads);
        dispatcher.setMaxRequests(10_000);
        dispatcher.setMaxRequestsPerHost(10_000);
        client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(256, idleConnectionLifetime.toMillis(), TimeUnit.MILLISECONDS))
                .connectTimeout(Duration.ofSeconds(10))
                .writeTimeout(Duration.ofSeconds(30))
                .readTimeout(READ_TIMEOUT)
                .retryOnConnectionFailure(true)
                // a redirect is a destination nobody entered: the token stays with the server it was entered for
                .followRedirects(false)
                .followSslRedirects(false)
                .build();
        // no silent second try of a request that may have been carried out: a send would be delivered twice
        requests = client.newBuilder().callTimeout(REQUEST_TIMEOUT).retryOnConnectionFailure(false).build();
        probe = client.newBuilder().callTimeout(PROBE_TIMEOUT).build();
        for (int i = 0; i < POLLING_POOLS; i++) {
            pollingClients[i] = client.newBuilder().connectionPool(new ConnectionPool(16, 2, TimeUnit.MINUTES))
                    .addInterceptor(SharedHttp::botApiErrors).build();
        }
    }

    /** Ends every call and drops every connection: the provider is closed, and its channels stopped before. */
    void close() {
        client.dispatcher().cancelAll();
        callThreads.shutdownNow();
        client.connectionPool().evictAll();
        for (OkHttpClient polling : pollingClients) {
            polling.connectionPool().evictAll();
        }
    }

    /**
     * A client for one channel's long polls: the same client with one of {@link #POLLING_POOLS} connection pools,
     * in turn (sends and checks keep the main pool to themselves), and a dispatcher of its own on the shared call
     * threads, so that the channel can cancel its poll ({@code dispatcher().cancelAll()}) without touching others.
     * A poll answers within its timeout: a silent connection is found dead soon after, not minutes later.
     */
    OkHttpClient polling(Duration pollTimeout) {
        Dispatcher own = new Dispatcher(callThreads);
        return pollingClients[Math.floorMod(nextPollingClient.getAndIncrement(), POLLING_POOLS)].newBuilder()
                .dispatcher(own)
                .readTimeout(pollTimeout.plusSeconds(15))
                .build();
    }

    /** The same client with a deadline for sends. */
    OkHttpClient requests() {
        return requests;
    }

    /** The same client with a short deadline for checks. */
    OkHttpClient probe() {
        return probe;
    }

    /**
     * A failed answer that is not the Bot API's JSON (Telegram's nginx front answers 502, 503 and 504 with an HTML
     * page) put in the Bot API's error shape, so that TelegramBots' client reports the HTTP status as the
     * {@code TelegramApiRequestException}'s error code instead of an unreadable answer.
     */
    private static Response botApiErrors(Interceptor.Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        MediaType type = response.body() == null ? null : response.body().contentType();
        if (response.isSuccessful() || type != null && "json".equals(type.subtype())) {
            return response;
        }
        ObjectNode error = Json.MAPPER.createObjectNode().put("ok", false).put("error_code", response.code());
        if (!response.message().isBlank()) {
            error.put("description", response.message());
        }
        response.close();
        return response.newBuilder().body(ResponseBody.create(error.toString(), JSON)).build();
    }
}
