package com.smartchat.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import java.util.function.BooleanSupplier;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The one HTTP client every channel of this provider shares: one connection pool, one dispatcher whose calls run
 * on virtual threads, a per-host limit high enough for thousands of bots, and a read timeout above the longest
 * poll. Channels and validations {@link #acquire() acquire} it and {@link #release() release} it; when the last
 * user releases it, its threads and connections are shut down.
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

    private static final Object LOCK = new Object();
    private static SharedHttp current;
    private static int users;

    private static final ThreadLocal<Outcome> LAST_POLL = new ThreadLocal<>();
    private static final ThreadLocal<PollThread> POLL_THREAD = new ThreadLocal<>();
    private static final MediaType JSON = MediaType.get("application/json");

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

    private SharedHttp() {
        callThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("telegram-http-", 0).factory());
        Dispatcher dispatcher = new Dispatcher(callThreads);
        dispatcher.setMaxRequests(10_000);
        dispatcher.setMaxRequestsPerHost(10_000);
        client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(256, 2, TimeUnit.MINUTES))
                .connectTimeout(Duration.ofSeconds(10))
                .writeTimeout(Duration.ofSeconds(30))
                .readTimeout(READ_TIMEOUT)
                .retryOnConnectionFailure(true)
                // a redirect is a destination nobody entered: the token stays with the server it was entered for
                .followRedirects(false)
                .followSslRedirects(false)
                .addInterceptor(SharedHttp::recordPollOutcome)
                .build();
        // no silent second try of a request that may have been carried out: a send would be delivered twice
        requests = client.newBuilder().callTimeout(REQUEST_TIMEOUT).retryOnConnectionFailure(false).build();
        probe = client.newBuilder().callTimeout(PROBE_TIMEOUT).build();
        for (int i = 0; i < POLLING_POOLS; i++) {
            pollingClients[i] = client.newBuilder().connectionPool(new ConnectionPool(16, 2, TimeUnit.MINUTES)).build();
        }
    }

    /** The shared client, created when the first user arrives. Pair every call with {@link #release()}. */
    static SharedHttp acquire() {
        synchronized (LOCK) {
            if (current == null) {
                current = new SharedHttp();
            }
            users++;
            return current;
        }
    }

    /** Gives the client back; the last user's release shuts it down. Call once per {@link #acquire()}. */
    void release() {
        synchronized (LOCK) {
            if (current != this) {
                return;
            }
            if (--users > 0) {
                return;
            }
            current = null;
        }
        client.dispatcher().cancelAll();
        callThreads.shutdownNow();
        client.connectionPool().evictAll();
        for (OkHttpClient polling : pollingClients) {
            polling.connectionPool().evictAll();
        }
    }

    /** How many users hold the client now: for tests. */
    static int users() {
        synchronized (LOCK) {
            return users;
        }
    }

    /**
     * The client for long polling: the one TelegramBots' poller gets. The same client with one of
     * {@link #POLLING_POOLS} connection pools, in turn: sends and checks keep the main pool to themselves.
     */
    OkHttpClient polling() {
        return pollingClients[Math.floorMod(nextPollingClient.getAndIncrement(), POLLING_POOLS)];
    }

    /** The same client with a deadline for sends. */
    OkHttpClient requests() {
        return requests;
    }

    /** The same client with a short deadline for checks. */
    OkHttpClient probe() {
        return probe;
    }

    // ------------------------------------------------------------------------------- what the poller cannot tell

    /**
     * What the last getUpdates or deleteWebhook on this thread got: TelegramBots' poller throws away the HTTP status
     * and the body of a failed poll, so this interceptor keeps them for the poller's {@code BackOff}, which runs on
     * the same thread right after the failure.
     *
     * @param httpStatus the HTTP status, or 0 when no answer came
     * @param errorCode Telegram's {@code error_code}, or 0
     * @param description Telegram's description, or {@code null}
     * @param retryAfter Telegram's {@code retry_after} in seconds, or {@code null}
     * @param failure the I/O failure when no answer came, or {@code null}
     */
    record Outcome(int httpStatus, int errorCode, String description, Integer retryAfter, IOException failure) {

        /** Telegram's error code, or the HTTP status when the body said nothing. */
        int code() {
            return errorCode != 0 ? errorCode : httpStatus;
        }
    }

    /** Takes the outcome recorded on this thread, if any. */
    static Outcome takeLastPollOutcome() {
        Outcome outcome = LAST_POLL.get();
        LAST_POLL.remove();
        return outcome;
    }

    /**
     * Marks the current thread as a poller that is told to stop when {@code stopping} says so: a poll cut short by
     * stopping then ends as an empty answer, not as an error that TelegramBots would log with its stack trace.
     */
    static void pollingThread(BooleanSupplier stopping, Duration pollTimeout) {
        POLL_THREAD.set(new PollThread(stopping, pollTimeout));
    }

    /** What the interceptor knows of the poller on its thread. */
    private record PollThread(BooleanSupplier stopping, Duration pollTimeout) {
    }

    private static Response recordPollOutcome(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        String path = request.url().encodedPath().toLowerCase(Locale.ROOT);
        if (!path.endsWith("/getupdates") && !path.endsWith("/deletewebhook")) {
            return chain.proceed(request);
        }
        LAST_POLL.remove();
        PollThread poller = POLL_THREAD.get();
        Interceptor.Chain bounded = chain;
        if (path.endsWith("/deletewebhook")) {
            // TelegramBots calls it inside registerBot, on the host's thread: keep start() short
            int millis = (int) PROBE_TIMEOUT.toMillis();
            bounded = chain.withConnectTimeout(millis, TimeUnit.MILLISECONDS)
                    .withReadTimeout(millis, TimeUnit.MILLISECONDS)
                    .withWriteTimeout(millis, TimeUnit.MILLISECONDS);
        } else if (poller != null) {
            // a poll answers within its timeout: a silent connection is found dead soon after, not minutes later
            int millis = (int) Math.min(READ_TIMEOUT.toMillis(), poller.pollTimeout().toMillis() + 15_000);
            bounded = chain.withReadTimeout(millis, TimeUnit.MILLISECONDS);
        }
        Response response;
        try {
            response = bounded.proceed(request);
        } catch (IOException e) {
            if (poller != null && poller.stopping().getAsBoolean() && path.endsWith("/getupdates")) {
                return new Response.Builder()
                        .request(request)
                        .protocol(Protocol.HTTP_1_1)
                        .code(200)
                        .message("Stopped")
                        .body(ResponseBody.create("{\"ok\":true,\"result\":[]}", JSON))
                        .build();
            }
            LAST_POLL.set(new Outcome(0, 0, null, null, e));
            throw e;
        }
        if (!response.isSuccessful()) {
            int errorCode = 0;
            String description = null;
            Integer retryAfter = null;
            try {
                JsonNode body = Json.MAPPER.readTree(response.peekBody(64 * 1024).string());
                errorCode = body.path("error_code").asInt(0);
                description = body.path("description").isTextual() ? body.path("description").asText() : null;
                JsonNode after = body.path("parameters").path("retry_after");
                retryAfter = after.canConvertToInt() && after.asInt() > 0 ? after.asInt() : null;
            } catch (IOException | RuntimeException e) {
                // not a Bot API answer (a proxy's error page): the HTTP status is all there is
            }
            LAST_POLL.set(new Outcome(response.code(), errorCode, description, retryAfter, null));
        }
        return response;
    }
}
