package com.smartchat.telegram;

import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.FailureKind;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * Receives by long polling: one loop on the host's executor asks TelegramBots' client for the next updates
 * ({@link PollRequest}, a {@code GetUpdates}), hands each answer to {@link PolledUpdates} and asks again. The offset
 * of every request is {@link Offset}: one past what the host stored or set aside, so that Telegram confirms nothing
 * else; while an answer is not stored, no further request goes out.
 *
 * <h2>Failures</h2>
 * A failed poll is read from what the client reports (the {@link TelegramApiRequestException}'s error code and
 * {@code retry_after}, or the I/O failure): 401 and 404 (wrong token or server) and 409 (a webhook or a second
 * poller) halt the channel for an admin ({@code NEEDS_ATTENTION}); 429 waits exactly {@code retry_after};
 * anything else waits with {@link Backoff#DEFAULT} and shows as DEGRADED until a poll is answered. After a failure
 * the next poll asks Telegram to answer at once, so that the channel is RUNNING again as soon as Telegram answers.
 *
 * <h2>Stopping</h2>
 * The poll's HTTP client has a dispatcher of its own (sharing the connections and call threads of
 * {@link SharedHttp}): stopping cancels its call, so a long poll waiting on Telegram ends at once.
 */
final class LongPollReceiver {

    /** How long {@link #stop()} waits for the loop to end. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(3);

    private final ChannelRun run;
    private final OkHttpClient http;
    private final OkHttpTelegramClient client;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final PolledUpdates updates;
    private final int timeoutSeconds;
    private volatile Future<?> loop;
    private volatile Thread loopThread;
    /** Failed polls in a row; touched by the loop only. */
    private int failures;

    /** {@code http} is this receiver's own: {@link #stop()} cancels its calls. */
    LongPollReceiver(ChannelRun run, OkHttpClient http) {
        this.run = run;
        this.http = http;
        this.client = new OkHttpTelegramClient(Json.MAPPER, http, run.token(), run.config.apiUrl());
        this.updates = new PolledUpdates(run, stopping);
        this.timeoutSeconds = (int) run.config.pollTimeout().toSeconds();
    }

    void start() {
        loop = run.context.executor().submit(this::pollUntilStopped);
    }

    /** Ends the loop, cancelling a poll waiting on Telegram, and waits a little for it to end. */
    void stop() {
        stopping.countDown();
        http.dispatcher().cancelAll();
        if (Thread.currentThread() == loopThread) {
            return;
        }
        try {
            if (!ended.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                run.log.log(Level.WARNING, "The Telegram poller did not end within {0} s", STOP_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the loop ended (or was cancelled), stopped or not. */
    boolean ended() {
        Future<?> current = loop;
        return current != null && current.isDone();
    }

    /** For tests: interrupts the loop as a failure nobody foresaw would end it. */
    void endAbruptly() {
        Future<?> current = loop;
        if (current != null) {
            current.cancel(true);
        }
    }

    private boolean stopped() {
        return stopping.getCount() == 0 || run.over() || Thread.currentThread().isInterrupted();
    }

    private void pollUntilStopped() {
        loopThread = Thread.currentThread();
        try {
            while (!stopped()) {
                List<Update> answer;
                try {
                    answer = poll();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception failure) {
                    if (stopped() || !waitAfter(failure)) {
                        return;
                    }
                    continue;
                }
                if (failures > 0) {
                    failures = 0;
                    run.condition(true, null, null); // Telegram answers again
                }
                if (!store(answer)) {
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            run.log.log(Level.ERROR, "The Telegram poller failed: " + Redactor.describe(e, run.token()));
        } finally {
            http.dispatcher().cancelAll();
            ended.countDown();
            if (!run.over()) {
                run.reportPollerDeath(); // nobody stopped it
            }
        }
    }

    /** Hands the answer to {@link PolledUpdates}; {@code false} when stopped meanwhile. */
    private boolean store(List<Update> answer) {
        try {
            return updates.store(answer);
        } catch (RuntimeException e) {
            // nothing after the last stored update is confirmed, so Telegram sends the rest again; a second's
            // pause rather than a spin on an answer that cannot be handled
            run.log.log(Level.ERROR, "Handling received Telegram updates failed; they will be received again: "
                    + Redactor.describe(e, run.token()));
            run.condition(false, "Handling received updates failed; they will be received again", null);
            try {
                return !stopping.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** One getUpdates through TelegramBots' client: its answer, or what the client reported as the failure. */
    private List<Update> poll() throws Exception {
        PollRequest request = new PollRequest(run.offset.next(), failures > 0 ? 0 : timeoutSeconds);
        CompletableFuture<? extends List<Update>> answer = client.executeAsync(request);
        if (stopped()) {
            http.dispatcher().cancelAll(); // stop() may have cancelled before this call was enqueued
        }
        try {
            return answer.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Acts on a failed poll: halts on 401, 404 and 409 ({@code false}), otherwise shows DEGRADED and waits before
     * the next poll ({@code false} when stopped meanwhile).
     */
    private boolean waitAfter(Exception failure) {
        failures++;
        int code = Failures.errorCode(failure);
        TelegramApiRequestException answered = Failures.find(failure, TelegramApiRequestException.class);
        boolean network = answered == null && Failures.find(failure, IOException.class) != null;
        run.metric("polls.failed", "status", code != 0 ? String.valueOf(code) : network ? "network" : "unreadable");
        ChannelException needsAdmin = needsAdmin(code, answered);
        if (needsAdmin != null) {
            run.halt(needsAdmin);
            return false;
        }
        Integer retryAfter = answered == null || answered.getParameters() == null ? null
                : answered.getParameters().getRetryAfter();
        Duration wait = Backoff.DEFAULT.next(failures, retryAfter);
        String reason = describe(failure, code, answered, network, retryAfter) + "; retrying in "
                + ChannelRun.seconds(wait);
        if (failures == 1 || failures % 10 == 0) {
            run.log.log(Level.WARNING, "Polling Telegram failed (attempt {0}): {1}", failures, reason);
        }
        run.condition(false, reason, null);
        try {
            return !stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A 401, 404 or 409 as the failure that needs an admin; {@code null} for anything else. */
    private ChannelException needsAdmin(int code, TelegramApiRequestException answered) {
        return switch (code) {
            case 401 -> new ChannelException(FailureKind.UNAUTHORIZED, Failures.UNAUTHORIZED_REASON,
                    Failures.UNAUTHORIZED_FIX, null, null);
            case 404 -> new ChannelException(FailureKind.UNAUTHORIZED, "Telegram does not know this bot at "
                    + run.config.baseUrl() + " (404" + said(answered, ": ", "") + "): the token or the Bot API "
                    + "server address is wrong", Failures.UNAUTHORIZED_FIX, null, null);
            case 409 -> new ChannelException(FailureKind.CONFLICT, Failures.CONFLICT_REASON, Failures.CONFLICT_FIX,
                    null, null);
            default -> null;
        };
    }

    private String describe(Exception failure, int code, TelegramApiRequestException answered, boolean network,
                            Integer retryAfter) {
        if (code == 429) {
            return "Telegram asks to wait " + (retryAfter == null ? "" : retryAfter + " s ") + "before polling again"
                    + said(answered, " (", ")");
        }
        if (code != 0) {
            return "Telegram answered getUpdates with " + code + said(answered, " (", ")");
        }
        if (network) {
            return "Could not reach Telegram at " + run.config.baseUrl() + ": "
                    + Failures.unreachable(failure, run.token());
        }
        return "Telegram's answer to getUpdates could not be read";
    }

    /** Telegram's description of the failure between {@code before} and {@code after}, or nothing. */
    private String said(TelegramApiRequestException answered, String before, String after) {
        String description = answered == null ? null : answered.getApiResponse();
        return description == null ? "" : before + Redactor.redact(description, run.token()) + after;
    }
}
