package com.smartchat.telegram;

import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.FailureKind;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.telegram.telegrambots.meta.api.methods.updates.GetWebhookInfo;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.objects.WebhookInfo;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * Receiving by webhook, and its health. {@link #begin()} calls {@code setWebhook} with the host's address for this
 * channel ({@code ChannelContext.webhookUrl()}, which contains no token), a secret derived from the token
 * ({@link WebhookSecret}), {@link PollRequest#ALLOWED_UPDATES} and {@code max_connections}; the host then hands
 * Telegram's requests to {@link WebhookHandler}. Every {@code webhook-check-interval} seconds (a provider setting,
 * default 60) it asks {@code getWebhookInfo}, shows the pending count and last error in the status, shows DEGRADED
 * with a fix hint while Telegram fails to deliver, and halts the channel when the webhook was removed or replaced
 * by another program, or the token no longer works.
 */
final class WebhookMonitor {

    private static final String WEBHOOK_ERROR_FIX = "Check that the host's public address (smartchat.public-url) reaches this "
            + "host from the internet: DNS, firewall, a reverse proxy that forwards /hooks/ to the host, a valid TLS "
            + "certificate. Telegram keeps undelivered updates for 24 hours. Or switch the channel to Long polling.";

    /**
     * What {@code getWebhookInfo} said last.
     *
     * @param pending {@code pending_update_count}: updates Telegram holds for this bot
     * @param lastErrorAt {@code last_error_date}, or {@code null} when Telegram reports no error
     * @param lastError {@code last_error_message}, or {@code null}
     * @param checkedAt when it was asked
     */
    record Health(int pending, Instant lastErrorAt, String lastError, Instant checkedAt) {
    }

    private final ChannelRun run;
    /** Where Telegram delivers. */
    private String webhookUrl;
    private ScheduledFuture<?> checks;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile Health health;
    /** When a webhook update was last stored and answered 200; {@code null} before the first. */
    private volatile Instant lastAccepted;
    /** Why the host could not store the last webhook update, until one is stored again; else {@code null}. */
    private volatile String storeProblem;

    WebhookMonitor(ChannelRun run) {
        this.run = run;
    }

    /** What the last check saw; {@code null} before the first. */
    Health health() {
        return health;
    }

    /** Registers this channel's webhook and schedules the checks of its health. */
    void begin() throws ChannelException {
        webhookUrl = run.context.webhookUrl().orElseThrow(() -> new ChannelException(FailureKind.INVALID_REQUEST,
                TelegramConfig.NO_PUBLIC_URL_MESSAGE, TelegramConfig.NO_PUBLIC_URL_FIX, null, null));
        SetWebhook request = SetWebhook.builder()
                .url(webhookUrl)
                .secretToken(run.webhookSecret)
                .maxConnections(run.config.webhookMaxConnections())
                .allowedUpdates(PollRequest.ALLOWED_UPDATES)
                .dropPendingUpdates(false)
                .build();
        try {
            run.probe.execute(request);
        } catch (TelegramApiException e) {
            ChannelException failure = Failures.of(e, run.token(), run.config.baseUrl());
            if (failure.kind() == FailureKind.INVALID_REQUEST) {
                throw new ChannelException(FailureKind.INVALID_REQUEST, "Telegram refused this channel's webhook "
                        + "address: " + failure.getMessage(), TelegramConfig.NO_PUBLIC_URL_FIX, null,
                        failure.getCause());
            }
            throw failure;
        }
        long period = run.config.webhookCheckInterval().toMillis();
        // the first check soon, so that health shows what Telegram holds; then spread out
        long first = Math.min(period, 1000 + ThreadLocalRandom.current().nextLong(500));
        checks = run.context.scheduler().scheduleWithFixedDelay(this::scheduleCheck, first, period,
                TimeUnit.MILLISECONDS);
    }

    void stop() {
        ScheduledFuture<?> current = checks;
        if (current != null) {
            current.cancel(false);
        }
    }

    /** A webhook update was stored: Telegram delivers, the host stores. */
    void stored() {
        lastAccepted = run.context.clock().instant();
        if (storeProblem != null || run.board.state() == ChannelState.DEGRADED) {
            storeProblem = null;
            condition();
        }
    }

    /** A webhook update could not be stored, for this reason. */
    void notStored(String problem) {
        storeProblem = problem;
        condition();
    }

    /** On the scheduler: hands the check to the executor, one at a time. */
    private void scheduleCheck() {
        if (run.over() || !checking.compareAndSet(false, true)) {
            return;
        }
        try {
            run.context.executor().execute(() -> {
                try {
                    check();
                } catch (RuntimeException e) {
                    run.log.log(Level.DEBUG, "Checking the Telegram webhook failed: "
                            + Redactor.describe(e, run.token()));
                } finally {
                    checking.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            checking.set(false); // stopping
        }
    }

    /** Asks getWebhookInfo: pending updates, Telegram's last delivery error, and whether the webhook is ours. */
    private void check() {
        if (run.over()) {
            return;
        }
        WebhookInfo info;
        try {
            info = run.probe.execute(new GetWebhookInfo());
        } catch (TelegramApiException e) {
            int code = Failures.errorCode(e);
            if (code == 401 || code == 404) {
                run.halt(new ChannelException(FailureKind.UNAUTHORIZED, Failures.UNAUTHORIZED_REASON,
                        Failures.UNAUTHORIZED_FIX, null, null));
            } else {
                run.log.log(Level.DEBUG, "Checking the Telegram webhook failed: " + Redactor.describe(e, run.token()));
            }
            return;
        }
        if (run.over() || info == null) {
            return;
        }
        if (!webhookUrl.equals(info.getUrl())) {
            run.halt(new ChannelException(FailureKind.CONFLICT, "The bot's webhook was removed or replaced by another "
                    + "program: Telegram no longer delivers its updates to SmartChat", "Stop the other program "
                    + "that uses this bot's token (it called setWebhook, deleteWebhook or getUpdates), then start "
                    + "this channel again; or give this channel a bot of its own from BotFather", null, null));
            return;
        }
        Integer errorDate = info.getLastErrorDate();
        health = new Health(info.getPendingUpdatesCount() == null ? 0 : info.getPendingUpdatesCount(),
                errorDate == null || errorDate <= 0 ? null : Instant.ofEpochSecond(errorDate),
                info.getLastErrorMessage(), run.context.clock().instant());
        condition();
    }

    /**
     * DEGRADED while the host cannot store, or while Telegram's last delivery failed after the last update stored
     * and updates still wait (as the last check saw it); RUNNING otherwise, from the first update stored again.
     */
    private void condition() {
        String problem = storeProblem;
        String fixHint = null;
        if (problem == null) {
            Health seen = health;
            Instant accepted = lastAccepted;
            // an update stored since the check shows that Telegram delivers again: what it said then is past
            if (seen != null && seen.lastErrorAt() != null && seen.pending() > 0
                    && (accepted == null || !accepted.isAfter(seen.checkedAt())
                            && accepted.getEpochSecond() <= seen.lastErrorAt().getEpochSecond())) {
                problem = "Telegram cannot deliver updates to this channel's webhook: "
                        + (seen.lastError() == null ? "no reason given" : Redactor.redact(seen.lastError(), run.token()));
                fixHint = WEBHOOK_ERROR_FIX;
            }
        }
        run.condition(problem == null, problem, fixHint);
    }
}
