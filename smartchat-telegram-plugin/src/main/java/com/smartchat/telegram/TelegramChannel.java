package com.smartchat.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.SendReceipt;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.longpolling.BotSession;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.longpolling.interfaces.BackOff;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.methods.updates.GetWebhookInfo;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.WebhookInfo;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * One Telegram bot: receives by long polling through TelegramBots' {@link TelegramBotsLongPollingApplication},
 * sends through its {@link OkHttpTelegramClient}.
 *
 * <h2>Nothing confirmed before it is stored</h2>
 * Telegram confirms every update whose id is below the {@code offset} of the next getUpdates. TelegramBots moves its
 * own offset before it calls the consumer and keeps it only in memory, so this channel does not use it:
 * <ol>
 *   <li>the getUpdates request comes from this channel ({@link PollRequest}), with the offset computed from
 *       {@link #nextOffset}: one past the last update the host's {@link com.smartchat.channel.spi.InboundSink}
 *       acknowledged, and no offset at all before the first acknowledgement (Telegram then starts from the oldest
 *       unconfirmed update);</li>
 *   <li>the consumer runs on the poller's thread and hands the batch to the sink in order, one update at a time;
 *       {@code nextOffset} moves past an update only after {@code deliver} returned;</li>
 *   <li>when the host cannot store ({@link DeliveryException}), the consumer keeps the batch and delivers it again
 *       with backoff (the channel shows DEGRADED), so no further getUpdates is sent, and nothing is confirmed,
 *       until the host stored it or the channel stops;</li>
 *   <li>a batch that was not fully stored (the channel stopped, the process died) is not confirmed: Telegram sends
 *       it again to the next poller, so at worst an update is delivered twice, which the host drops by event id;</li>
 *   <li>TelegramBots filters out updates at or below its in-memory offset; before every batch that filter is
 *       disarmed, so a redelivered update always reaches the consumer.</li>
 * </ol>
 * The consumer never throws (a throwing consumer silently ends TelegramBots' poller), and a watchdog reports a
 * poller that ended anyway.
 *
 * <h2>Failures while polling</h2>
 * TelegramBots retries failed polls forever and loses the HTTP status. This channel gives it its own
 * {@link BackOff}, which reads the failed poll's status and body ({@link SharedHttp.Outcome}): 401 and 409 stop the
 * poller and report {@link ChannelState#NEEDS_ATTENTION}; 429 waits exactly {@code retry_after}; anything else waits
 * exponentially, capped near a minute, and shows as {@link ChannelState#DEGRADED} until a poll succeeds.
 */
final class TelegramChannel implements Channel {

    private static final Duration WATCHDOG_PERIOD = Duration.ofSeconds(2);
    private static final Duration STOP_WAIT = Duration.ofSeconds(3);

    private final ChannelContext context;
    private final System.Logger log;
    private final Object lifecycle = new Object();

    /** The current run, or {@code null} when stopped. */
    private volatile Run run;
    private volatile ChannelStatus status = ChannelStatus.of(ChannelState.CREATED, null, null);
    /** One past the last update the host acknowledged; {@code null} until the first. Survives restarts. */
    private volatile Integer nextOffset;

    TelegramChannel(ChannelContext context) {
        this.context = context;
        this.log = context.logger();
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    @Override
    public void start() throws ChannelException {
        synchronized (lifecycle) {
            if (run != null) {
                if (!run.halted) {
                    return;
                }
                stopRun(run); // halted by a 401 or 409: start afresh
            }
            TelegramConfig config;
            try {
                config = TelegramConfig.from(context.settings());
            } catch (TelegramConfig.InvalidSetting e) {
                ChannelException failure = e.field().equals(TelegramConfig.TOKEN)
                        ? new ChannelException(FailureKind.UNAUTHORIZED, e.getMessage(), Failures.UNAUTHORIZED_FIX, null, null)
                        : new ChannelException(FailureKind.INVALID_REQUEST, e.getMessage(),
                                "Correct the Bot API server address", null, null);
                setStatus(ChannelState.NEEDS_ATTENTION, e.getMessage(), failure.fixHint().orElse(null), false);
                throw failure;
            }
            setStatus(ChannelState.STARTING, null, null, false);
            Run next = new Run(config);
            try {
                next.begin();
            } catch (ChannelException e) {
                stopRun(next);
                ChannelState state = e.kind() == FailureKind.UNAUTHORIZED || e.kind() == FailureKind.CONFLICT
                        ? ChannelState.NEEDS_ATTENTION : ChannelState.FAILED;
                setStatus(state, e.getMessage(), e.fixHint().orElse(null), false);
                throw e;
            } catch (RuntimeException e) {
                stopRun(next);
                String reason = "The channel could not start: " + Redactor.describe(e, config.rawToken());
                setStatus(ChannelState.FAILED, reason, null, false);
                throw new ChannelException(FailureKind.TRANSIENT, reason, null, null, Redactor.redact(e, config.rawToken()));
            }
            run = next;
            setStatus(ChannelState.RUNNING, null, null, false);
            log.log(Level.INFO, "Telegram channel started: @{0} via {1}, long poll {2} s",
                    next.botUsername, config.baseUrl(), config.pollTimeout().toSeconds());
        }
    }

    @Override
    public void stop() {
        synchronized (lifecycle) {
            Run current = run;
            run = null;
            if (current != null) {
                stopRun(current);
                log.log(Level.INFO, "Telegram channel stopped");
            }
            setStatus(ChannelState.STOPPED, null, null, false);
        }
    }

    private void stopRun(Run current) {
        try {
            current.close();
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "Stopping the Telegram channel: " + Redactor.describe(e, current.token()));
        }
    }

    @Override
    public ChannelStatus status() {
        Run current = run;
        if (current != null && current.pollerDied()) {
            return current.reportPollerDeath();
        }
        return status;
    }

    // ----------------------------------------------------------------------------------------------------- send

    @Override
    public CompletionStage<SendReceipt> send(OutboundMessage message) {
        CompletableFuture<SendReceipt> result = new CompletableFuture<>();
        Run current = run;
        if (current == null) {
            result.completeExceptionally(new ChannelException(FailureKind.TRANSIENT,
                    "The Telegram channel is not running.", "Start the channel", null, null));
            return result;
        }
        try {
            context.executor().execute(() -> {
                try {
                    result.complete(current.sender.send(message));
                    metric("sends", "outcome", "sent");
                } catch (ChannelException e) {
                    metric("sends", "outcome", e.kind().name().toLowerCase(java.util.Locale.ROOT));
                    result.completeExceptionally(e);
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(new ChannelException(FailureKind.TRANSIENT,
                            "Sending failed: " + Redactor.describe(e, current.token()), null, null,
                            Redactor.redact(e, current.token())));
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new ChannelException(FailureKind.TRANSIENT,
                    "The host is not accepting work for this channel now.", null, null, null));
        }
        return result;
    }

    /** Reports a group that became a supergroup, found while sending, as the event the host moves history on. */
    private void reportMove(String oldChatId, String newChatId) {
        log.log(Level.INFO, "Telegram group {0} moved to {1}", oldChatId, newChatId);
        try {
            context.inbound().deliver(new InboundEvent.ConversationMoved("migrated:" + oldChatId + ":" + newChatId,
                    context.clock().instant(), new Conversation(oldChatId, Conversation.Kind.GROUP, null), null,
                    newChatId));
        } catch (DeliveryException | RuntimeException e) {
            log.log(Level.WARNING, "The move of group {0} to {1} could not be stored: {2}", oldChatId, newChatId,
                    e.getMessage());
        }
    }

    // --------------------------------------------------------------------------------------------------- status

    private void setStatus(ChannelState state, String reason, String fixHint, boolean report) {
        Map<String, String> details = new LinkedHashMap<>();
        Run current = run;
        if (current != null && current.botUsername != null) {
            details.put("bot", "@" + current.botUsername);
            details.put("link", "https://t.me/" + current.botUsername);
        }
        if (nextOffset != null) {
            details.put("confirmedThroughUpdate", String.valueOf(nextOffset - 1));
        }
        ChannelStatus next = new ChannelStatus(state, reason, fixHint, details);
        ChannelStatus previous = status;
        status = next;
        if (report && (previous.state() != state || !java.util.Objects.equals(previous.reason(), reason))) {
            try {
                context.report(next);
            } catch (RuntimeException e) {
                log.log(Level.WARNING, "The host did not take the channel's status: " + e);
            }
        }
    }

    /** Moves between RUNNING and DEGRADED, reporting the change; leaves other states alone. */
    private void condition(Run current, boolean healthy, String reason) {
        synchronized (current) {
            if (run != current && run != null || current.halted || current.closed) {
                return;
            }
            ChannelState state = status.state();
            if (state != ChannelState.RUNNING && state != ChannelState.DEGRADED && state != ChannelState.STARTING) {
                return;
            }
            if (healthy) {
                if (state == ChannelState.DEGRADED) {
                    setStatus(ChannelState.RUNNING, null, null, true);
                }
            } else {
                boolean changed = state != ChannelState.DEGRADED;
                setStatus(ChannelState.DEGRADED, reason, null, changed);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------ run

    /** Everything one start creates, released by {@link #close()}. */
    private final class Run implements BackOff {
        private final TelegramConfig config;
        private final CountDownLatch stopping = new CountDownLatch(1);
        private SharedHttp http;
        private OkHttpTelegramClient client;
        private Sender sender;
        private UpdateMapper mapper;
        private ScheduledExecutorService pollThread;
        private TelegramBotsLongPollingApplication app;
        private volatile BotSession session;
        private ScheduledFuture<?> watchdog;
        private volatile String botUsername;
        /** Stopped by this channel because of a 401, 409 or 404: waits for the admin. */
        private volatile boolean halted;
        private volatile boolean closed;
        private volatile boolean deathReported;
        private int pollFailures;
        private int deliveryFailures;

        Run(TelegramConfig config) {
            this.config = config;
        }

        String token() {
            return config.rawToken();
        }

        void begin() throws ChannelException {
            http = SharedHttp.acquire();
            TelegramUrl url = config.apiUrl();
            client = new OkHttpTelegramClient(Json.MAPPER, http.requests(), token(), url);
            sender = new Sender(client, token(), config.baseUrl(), context.clock(), TelegramChannel.this::reportMove);
            OkHttpTelegramClient probe = new OkHttpTelegramClient(Json.MAPPER, http.probe(), token(), url);
            User me;
            WebhookInfo webhook;
            try {
                me = probe.execute(new GetMe());
                webhook = probe.execute(new GetWebhookInfo());
            } catch (TelegramApiException e) {
                throw Failures.of(e, token(), config.baseUrl());
            }
            botUsername = me.getUserName();
            mapper = new UpdateMapper(context.clock(), botUsername);
            if (webhook != null && webhook.getUrl() != null && !webhook.getUrl().isBlank()) {
                throw new ChannelException(FailureKind.CONFLICT, Failures.CONFLICT_REASON + ": a webhook is set for "
                        + "this bot, so Telegram does not answer getUpdates.", Failures.CONFLICT_FIX, null, null);
            }

            pollThread = Executors.newScheduledThreadPool(1,
                    Thread.ofVirtual().name("telegram-poll-" + context.channelId()).factory());
            app = new TelegramBotsLongPollingApplication(() -> Json.MAPPER, http::polling, () -> pollThread, () -> this);
            try {
                session = app.registerBot(token(), () -> url, this::nextRequest, this::consume);
            } catch (TelegramApiException | RuntimeException e) {
                SharedHttp.Outcome outcome = SharedHttp.takeLastPollOutcome();
                try {
                    app.unregisterBot(token()); // registerBot keeps the token even when starting failed
                } catch (TelegramApiException ignored) {
                    // it was not recorded
                }
                ChannelException typed = typed(outcome);
                if (typed != null) {
                    throw typed;
                }
                if (outcome != null) {
                    throw new ChannelException(FailureKind.TRANSIENT, "Starting to poll failed: "
                            + describe(outcome, "deleteWebhook") + ".", null, outcome.retryAfter() == null ? null
                            : Duration.ofSeconds(outcome.retryAfter()), null);
                }
                throw Failures.of(e, token(), config.baseUrl());
            }
            long period = WATCHDOG_PERIOD.toMillis();
            watchdog = context.scheduler().scheduleWithFixedDelay(this::watch, period, period, TimeUnit.MILLISECONDS);
        }

        void close() {
            synchronized (this) {
                closed = true;
            }
            stopping.countDown();
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            stopPolling(true);
            if (http != null) {
                http.release();
                http = null;
            }
        }

        /** Ends the poller; {@code interrupt} also wakes a poll waiting on Telegram. */
        private void stopPolling(boolean interrupt) {
            TelegramBotsLongPollingApplication application = app;
            if (application != null) {
                try {
                    application.unregisterBot(token());
                } catch (TelegramApiException | RuntimeException ignored) {
                    // not registered (any more)
                }
                try {
                    application.close();
                } catch (Exception ignored) {
                    // nothing left to close
                }
            }
            ScheduledExecutorService thread = pollThread;
            if (thread != null) {
                if (!interrupt) {
                    thread.shutdown(); // called from the poller itself: let this round end quietly
                    return;
                }
                try {
                    if (thread.isShutdown() && thread.awaitTermination(1, TimeUnit.SECONDS)) {
                        return; // halted earlier: its last round ended by itself
                    }
                    thread.shutdownNow();
                    if (!thread.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        log.log(Level.WARNING, "The Telegram poller did not end within {0} s", STOP_WAIT.toSeconds());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        // -------------------------------------------------------------------------------------------- polling

        /** The next getUpdates: from the last acknowledged update, whatever TelegramBots counted. */
        private GetUpdates nextRequest(Integer ignoredLibraryOffset) {
            SharedHttp.pollingThread(() -> closed || halted, config.pollTimeout());
            return new PollRequest(nextOffset, (int) config.pollTimeout().toSeconds(), this::batchRead);
        }

        /** Disarms TelegramBots' filter of updates at or below its own offset: redelivered updates must pass. */
        private void batchRead(List<PollRequest.RawUpdate> batch) {
            BotSession current = session;
            if (current != null) {
                current.getLastReceivedUpdate().set(Integer.MIN_VALUE);
            }
        }

        /** TelegramBots' consumer: stores the batch in order, confirming nothing that was not stored. Never throws. */
        private void consume(List<Update> updates) {
            try {
                for (Update update : updates) {
                    if (closed || halted) {
                        return;
                    }
                    JsonNode json = update instanceof PollRequest.RawUpdate raw && raw.json != null
                            ? raw.json : Json.MAPPER.valueToTree(update);
                    boolean readable = !(update instanceof PollRequest.RawUpdate raw && raw.unreadable);
                    InboundEvent event = mapper.map(readable ? update : null, json);
                    if (!deliverUntilStored(event)) {
                        return;
                    }
                    metric("updates.received", "event", event.getClass().getSimpleName());
                    nextOffset = update.getUpdateId() + 1;
                    if (readable && update.getCallbackQuery() != null && update.getCallbackQuery().getId() != null) {
                        answerButton(update.getCallbackQuery().getId());
                    }
                }
            } catch (RuntimeException | Error e) {
                // never into TelegramBots: a throwing consumer ends its poller silently. Nothing after the last
                // stored update is confirmed, so Telegram sends the rest again.
                log.log(Level.ERROR, "Handling received Telegram updates failed; they will be received again: "
                        + Redactor.describe(e, token()));
                condition(this, false, "Handling received updates failed; they will be received again");
            }
        }

        /** Delivers until the host stored the event ({@code true}) or the channel stops ({@code false}). */
        private boolean deliverUntilStored(InboundEvent event) {
            while (true) {
                try {
                    context.inbound().deliver(event);
                    if (deliveryFailures > 0) {
                        deliveryFailures = 0;
                        condition(this, true, null);
                    }
                    return true;
                } catch (DeliveryException | RuntimeException e) {
                    deliveryFailures++;
                    metric("deliveries.failed");
                    Duration wait = Backoff.DEFAULT.next(deliveryFailures, null);
                    String reason = "SmartChat could not store received Telegram messages ("
                            + Redactor.redact(e.getMessage(), token())
                            + "); they stay unconfirmed at Telegram and are retried in " + seconds(wait);
                    if (deliveryFailures == 1 || deliveryFailures % 10 == 0) {
                        log.log(Level.WARNING, "Delivering Telegram update {0} failed (attempt {1}): {2}",
                                event.eventId(), deliveryFailures, Redactor.describe(e, token()));
                    }
                    condition(this, false, reason);
                    try {
                        if (stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                            return false;
                        }
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
        }

        private void answerButton(String callbackQueryId) {
            try {
                client.executeAsync(AnswerCallbackQuery.builder().callbackQueryId(callbackQueryId).build())
                        .whenComplete((ok, failure) -> {
                            if (failure != null) {
                                log.log(Level.DEBUG, "Answering a button press failed: "
                                        + Redactor.describe(failure, token()));
                            }
                        });
            } catch (TelegramApiException | RuntimeException e) {
                log.log(Level.DEBUG, "Answering a button press failed: " + Redactor.describe(e, token()));
            }
        }

        // ------------------------------------------------------------------ BackOff: TelegramBots' poll failures

        @Override
        public void reset() {
            if (pollFailures > 0) {
                pollFailures = 0;
                condition(this, true, null);
            }
        }

        @Override
        public long nextBackOffMillis() {
            SharedHttp.Outcome outcome = SharedHttp.takeLastPollOutcome();
            if (closed || halted) {
                return 10;
            }
            pollFailures++;
            metric("polls.failed", "status", outcome == null ? "unreadable"
                    : outcome.failure() != null ? "network" : String.valueOf(outcome.code()));
            ChannelException typed = typed(outcome);
            if (typed != null && (typed.kind() == FailureKind.UNAUTHORIZED || typed.kind() == FailureKind.CONFLICT)) {
                halt(typed);
                return 10;
            }
            Duration wait = Backoff.DEFAULT.next(pollFailures, outcome == null ? null : outcome.retryAfter());
            String reason = describe(outcome, "getUpdates") + "; retrying in " + seconds(wait);
            if (pollFailures == 1 || pollFailures % 10 == 0) {
                log.log(Level.WARNING, "Polling Telegram failed (attempt {0}): {1}", pollFailures, reason);
            }
            condition(this, false, reason);
            return wait.toMillis();
        }

        /** A 401, 404 or 409 answer as the failure that needs an admin; {@code null} for anything else. */
        private ChannelException typed(SharedHttp.Outcome outcome) {
            if (outcome == null) {
                return null;
            }
            String said = outcome.description() == null ? "" : ": " + Redactor.redact(outcome.description(), token());
            return switch (outcome.code()) {
                case 401 -> new ChannelException(FailureKind.UNAUTHORIZED, Failures.UNAUTHORIZED_REASON,
                        Failures.UNAUTHORIZED_FIX, null, null);
                case 404 -> new ChannelException(FailureKind.UNAUTHORIZED, "Telegram does not know this bot at "
                        + config.baseUrl() + " (404" + said + "): the token or the Bot API server address is wrong",
                        Failures.UNAUTHORIZED_FIX, null, null);
                case 409 -> new ChannelException(FailureKind.CONFLICT, Failures.CONFLICT_REASON, Failures.CONFLICT_FIX,
                        null, null);
                default -> null;
            };
        }

        private String describe(SharedHttp.Outcome outcome, String method) {
            if (outcome == null) {
                return "Telegram's answer to " + method + " could not be read";
            }
            if (outcome.failure() != null) {
                return "Could not reach Telegram at " + config.baseUrl() + ": "
                        + Failures.unreachable(outcome.failure(), token());
            }
            String said = outcome.description() == null ? "" : " (" + Redactor.redact(outcome.description(), token()) + ")";
            if (outcome.code() == 429) {
                return "Telegram asks to wait " + (outcome.retryAfter() == null ? "" : outcome.retryAfter() + " s ")
                        + "before polling again" + said;
            }
            return "Telegram answered " + method + " with " + outcome.code() + said;
        }

        /** Stops polling for good and tells the host an admin is needed. Runs on the poller's thread. */
        private void halt(ChannelException why) {
            synchronized (this) {
                if (halted || closed) {
                    return;
                }
                halted = true;
            }
            log.log(Level.WARNING, "Telegram polling stopped: {0}", why.getMessage());
            setStatus(ChannelState.NEEDS_ATTENTION, why.getMessage(), why.fixHint().orElse(null), true);
            stopPolling(false);
        }

        // --------------------------------------------------------------------------------------------- health

        boolean pollerDied() {
            if (halted || closed) {
                return false;
            }
            BotSession current = session;
            ScheduledFuture<?> polling = current == null ? null : current.getRunningPolling();
            return polling == null || polling.isDone();
        }

        ChannelStatus reportPollerDeath() {
            synchronized (this) {
                if (!deathReported && !halted && !closed) {
                    deathReported = true;
                    log.log(Level.ERROR, "The Telegram poller ended unexpectedly");
                    setStatus(ChannelState.FAILED, "The Telegram poller stopped unexpectedly: messages are not being "
                            + "received", "Restart the channel", true);
                }
            }
            return status;
        }

        private void watch() {
            if (pollerDied()) {
                reportPollerDeath();
            }
        }
    }

    /** Counts something; a metrics failure never disturbs the channel. */
    private void metric(String name, String... tags) {
        try {
            context.metrics().increment(name, tags);
        } catch (RuntimeException e) {
            // the host's metrics are not the channel's business
        }
    }

    private static String seconds(Duration wait) {
        long millis = wait.toMillis();
        return millis < 10_000 ? String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0) : (millis / 1000) + " s";
    }

    /** For tests: ends TelegramBots' poller the way a throwing consumer would, without this channel knowing. */
    void endPollerAbruptlyForTest() {
        Run current = run;
        if (current != null && current.session != null && current.session.getRunningPolling() != null) {
            current.session.getRunningPolling().cancel(true);
        }
    }

    @Override
    public boolean reconfigure(ChannelSettings settings) {
        return false; // the host stops this channel and opens one with the new settings; the token is in the poller
    }
}
