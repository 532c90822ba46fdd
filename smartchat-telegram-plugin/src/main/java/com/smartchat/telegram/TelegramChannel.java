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
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.spi.WebhookResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.longpolling.BotSession;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.longpolling.interfaces.BackOff;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.updates.DeleteWebhook;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.methods.updates.GetWebhookInfo;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.WebhookInfo;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * One Telegram bot: receives by long polling through TelegramBots' {@link TelegramBotsLongPollingApplication} or by
 * webhook through the host ({@link #handleWebhook}), sends through TelegramBots' {@link OkHttpTelegramClient}.
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
 *
 * <h2>Webhook mode</h2>
 * With "Receive updates by: Webhook", {@code start()} calls {@code setWebhook} with the host's address for this
 * channel ({@link ChannelContext#webhookUrl()}, which contains no token), a secret derived from the token
 * ({@link WebhookSecret}), {@link PollRequest#ALLOWED_UPDATES} and {@code max_connections}. The host hands each
 * request to {@link #handleWebhook}, which
 * <ol>
 *   <li>answers 401 to a request without the right {@code X-Telegram-Bot-Api-Secret-Token} (compared in constant
 *       time), storing nothing;</li>
 *   <li>answers 400 to a body that is not a Telegram update;</li>
 *   <li>maps the update as polling does and delivers it to the host, answering 200 only once the host stored it,
 *       and 503 when it could not (Telegram then sends it again; a repeated update is the same event, which the
 *       host drops).</li>
 * </ol>
 * {@code stop()} leaves the webhook set: Telegram keeps the updates that arrive meanwhile and delivers them when the
 * channel runs again. Switching to long polling removes this channel's own webhook (or one this host set for a
 * channel since deleted) without dropping pending updates; a webhook of another program is a conflict for the
 * admin, in both modes. Every
 * {@code webhook-check-interval} seconds (a provider setting, default 60) the channel asks {@code getWebhookInfo},
 * shows its pending count and last error in the status, and shows {@link ChannelState#DEGRADED} with a fix hint
 * while Telegram fails to deliver. Authentic webhook requests that arrive while the channel polls (sent just before
 * a switch) are stored as well.
 */
final class TelegramChannel implements Channel {

    /**
     * How often a channel checks that TelegramBots' poller still runs ({@link #status()} checks on every call as
     * well). Each wake-up of an idle channel costs the host CPU: every 2 s, 2,000 idle channels cost 1.5 % of a core.
     */
    private static final Duration WATCHDOG_PERIOD = Duration.ofSeconds(30);
    private static final Duration STOP_WAIT = Duration.ofSeconds(3);
    /**
     * Deliveries of one update before it is set aside: enough to ride out a brief database hiccup (with backoff,
     * about 7 s when polling; Telegram's retries when by webhook), few enough that a channel never stalls on it.
     */
    static final int ATTEMPTS = 5;
    /** The wait after a batch that held nothing confirmable. */
    private static final Duration IDLESS_PAUSE = Duration.ofSeconds(1);
    static final String WEBHOOK_ERROR_FIX = "Check that the host's public address (smartchat.public-url) reaches this "
            + "host from the internet: DNS, firewall, a reverse proxy that forwards /hooks/ to the host, a valid TLS "
            + "certificate. Telegram keeps undelivered updates for 24 hours. Or switch the channel to Long polling.";

    private final ChannelContext context;
    private final System.Logger log;
    private final Object lifecycle = new Object();

    /** The current run, or {@code null} when stopped. */
    private volatile Run run;
    /**
     * The run that takes webhook requests: set before {@code setWebhook} (Telegram may deliver before
     * {@code start()} returns), cleared when that run ends.
     */
    private volatile Run receiving;
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
                ChannelException failure = switch (e.field()) {
                    case TelegramConfig.TOKEN -> new ChannelException(FailureKind.UNAUTHORIZED, e.getMessage(),
                            Failures.UNAUTHORIZED_FIX, null, null);
                    case TelegramConfig.DELIVERY -> new ChannelException(FailureKind.INVALID_REQUEST, e.getMessage(),
                            "Choose how the channel receives updates in its settings", null, null);
                    default -> new ChannelException(FailureKind.INVALID_REQUEST, e.getMessage(),
                            "Ask the operator to correct smartchat.plugins.telegram.api-url", null, null);
                };
                setStatus(ChannelState.NEEDS_ATTENTION, e.getMessage(), failure.fixHint().orElse(null), false);
                throw failure;
            }
            if (config.webhook()) {
                String address = context.webhookUrl().orElse(null);
                String problem = address == null ? "This channel receives updates by webhook, but the host has no "
                        + "public address (smartchat.public-url), so Telegram cannot reach it."
                        : config.webhookAddressProblem(address);
                if (problem != null) {
                    setStatus(ChannelState.NEEDS_ATTENTION, problem, TelegramConfig.NO_PUBLIC_URL_FIX, false);
                    throw new ChannelException(FailureKind.INVALID_REQUEST, problem, TelegramConfig.NO_PUBLIC_URL_FIX,
                            null, null);
                }
            }
            setStatus(ChannelState.STARTING, null, null, false);
            Run next = new Run(config);
            try {
                next.begin();
            } catch (ChannelException e) {
                stopRun(next);
                ChannelState state = e.kind() == FailureKind.UNAUTHORIZED || e.kind() == FailureKind.CONFLICT
                        || e.kind() == FailureKind.INVALID_REQUEST ? ChannelState.NEEDS_ATTENTION : ChannelState.FAILED;
                setStatus(state, e.getMessage(), e.fixHint().orElse(null), false);
                throw e;
            } catch (RuntimeException e) {
                stopRun(next);
                String reason = "The channel could not start: " + Redactor.describe(e, config.rawToken());
                setStatus(ChannelState.FAILED, reason, null, false);
                throw new ChannelException(FailureKind.TRANSIENT, reason, null, null, Redactor.redact(e, config.rawToken()));
            }
            run = next;
            ChannelStatus sofar = status;
            if (config.webhook() && sofar.state() == ChannelState.DEGRADED) {
                // a webhook update that could not be stored while starting: still true
                setStatus(ChannelState.DEGRADED, sofar.reason(), sofar.fixHint(), false);
            } else {
                setStatus(ChannelState.RUNNING, null, null, false);
            }
            if (config.webhook()) {
                log.log(Level.INFO, "Telegram channel started: @{0} via {1}, receiving by webhook",
                        next.botUsername, config.baseUrl());
            } else {
                log.log(Level.INFO, "Telegram channel started: @{0} via {1}, long poll {2} s",
                        next.botUsername, config.baseUrl(), config.pollTimeout().toSeconds());
            }
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
        if (receiving == current) {
            receiving = null;
        }
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

    // -------------------------------------------------------------------------------------------------- webhook

    /**
     * Takes one webhook request from the host: see the class comment. Called from many threads at once; never
     * throws.
     */
    @Override
    public WebhookResponse handleWebhook(WebhookRequest request) {
        Run current = receiving;
        if (current == null) {
            return WebhookResponse.of(503, "The channel is not running; send again later.");
        }
        try {
            return current.handleWebhook(request);
        } catch (RuntimeException | Error e) {
            log.log(Level.ERROR, "Handling a Telegram webhook request failed; Telegram will send it again: "
                    + Redactor.describe(e, current.token()));
            return WebhookResponse.of(503, "The update could not be handled; send it again later.");
        }
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
        if (current != null) {
            details.put("delivery", current.config.webhook() ? "webhook" : "long polling");
            WebhookHealth webhook = current.webhookHealth;
            if (webhook != null) {
                details.put("webhookPendingUpdates", String.valueOf(webhook.pending()));
                if (webhook.lastErrorAt() != null) {
                    details.put("webhookLastError", Redactor.redact(webhook.lastError(), current.token()));
                    details.put("webhookLastErrorAt", webhook.lastErrorAt().toString());
                }
                details.put("webhookCheckedAt", webhook.checkedAt().toString());
            }
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
        condition(current, healthy, reason, null);
    }

    /**
     * Moves between RUNNING and DEGRADED, reporting the change; leaves other states alone. The status is rebuilt
     * either way, so its details show what the run knows now.
     */
    private void condition(Run current, boolean healthy, String reason, String fixHint) {
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
                } else {
                    setStatus(state, status.reason(), status.fixHint(), false);
                }
            } else {
                boolean changed = state != ChannelState.DEGRADED;
                setStatus(ChannelState.DEGRADED, reason, fixHint, changed);
            }
        }
    }

    /**
     * What {@code getWebhookInfo} said last.
     *
     * @param pending {@code pending_update_count}: updates Telegram holds for this bot
     * @param lastErrorAt {@code last_error_date}, or {@code null} when Telegram reports no error
     * @param lastError {@code last_error_message}, or {@code null}
     * @param checkedAt when it was asked
     */
    record WebhookHealth(int pending, Instant lastErrorAt, String lastError, Instant checkedAt) {
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
        /** Checks made at start: getMe, getWebhookInfo, setWebhook or deleteWebhook, and the periodic checks. */
        private OkHttpTelegramClient probe;
        /** What Telegram sends in {@link WebhookSecret#HEADER}. */
        private final String webhookSecret;
        /** Where Telegram delivers, in webhook mode; else {@code null}. */
        private String webhookUrl;
        private ScheduledFuture<?> webhookCheck;
        private final AtomicBoolean checking = new AtomicBoolean();
        private volatile WebhookHealth webhookHealth;
        /** When a webhook update was last stored and answered 200; {@code null} before the first. */
        private volatile Instant lastAccepted;
        /** Why the host could not store the last webhook update, until one is stored again; else {@code null}. */
        private volatile String storeProblem;
        private final AtomicInteger storeFailures = new AtomicInteger();
        /** Digests of the polled updates without id set aside lately, most recent last. */
        private final Set<String> idlessSetAside = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > 1_000;
            }
        });
        /** Failed deliveries of webhook updates by id, until stored or set aside; the oldest forgotten first. */
        private final Map<String, Integer> webhookAttempts = java.util.Collections.synchronizedMap(
                new java.util.LinkedHashMap<>() {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                        return size() > 10_000;
                    }
                });
        private final AtomicInteger rejected = new AtomicInteger();

        Run(TelegramConfig config) {
            this.config = config;
            this.webhookSecret = WebhookSecret.derive(config.rawToken(), context.channelId());
        }

        String token() {
            return config.rawToken();
        }

        void begin() throws ChannelException {
            http = SharedHttp.acquire();
            TelegramUrl url = config.apiUrl();
            client = new OkHttpTelegramClient(Json.MAPPER, http.requests(), token(), url);
            sender = new Sender(client, token(), config.baseUrl(), context.clock(), TelegramChannel.this::reportMove);
            probe = new OkHttpTelegramClient(Json.MAPPER, http.probe(), token(), url);
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
            boolean webhookSet = webhook != null && webhook.getUrl() != null && !webhook.getUrl().isBlank();
            if (webhookSet && !isThisHostsWebhook(webhook.getUrl())) {
                throw new ChannelException(FailureKind.CONFLICT, Failures.CONFLICT_REASON + ": a webhook of another "
                        + "program is set for this bot" + (config.webhook()
                                ? "; setting this channel's would take its updates away."
                                : ", so Telegram does not answer getUpdates."), Failures.CONFLICT_FIX, null, null);
            }
            receiving = this; // from here on, authentic webhook requests can be stored
            if (config.webhook()) {
                beginWebhook();
                return;
            }
            if (webhookSet) {
                // left by this channel in webhook mode: remove it, keeping what Telegram holds for getUpdates
                log.log(Level.INFO, "Switching to long polling: removing the webhook this host set; Telegram "
                        + "keeps the pending updates for getUpdates");
                try {
                    probe.execute(DeleteWebhook.builder().dropPendingUpdates(false).build());
                } catch (TelegramApiException e) {
                    throw Failures.of(e, token(), config.baseUrl());
                }
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
            long first = period / 2 + ThreadLocalRandom.current().nextLong(period / 2); // channels check apart
            watchdog = context.scheduler().scheduleWithFixedDelay(this::watch, first, period, TimeUnit.MILLISECONDS);
        }

        void close() {
            synchronized (this) {
                closed = true;
            }
            stopping.countDown();
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            if (webhookCheck != null) {
                webhookCheck.cancel(false);
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
            // after a failure, a poll that Telegram answers at once: the channel is RUNNING again as soon as
            // Telegram answers, not one long-poll wait later
            int timeout = pollFailures > 0 ? 0 : (int) config.pollTimeout().toSeconds();
            return new PollRequest(nextOffset, timeout, this::batchRead);
        }

        /** Disarms TelegramBots' filter of updates at or below its own offset: redelivered updates must pass. */
        private void batchRead(List<PollRequest.RawUpdate> batch) {
            reset(); // Telegram answered: polling works
            BotSession current = session;
            if (current != null) {
                current.getLastReceivedUpdate().set(Integer.MIN_VALUE);
            }
        }

        /**
         * TelegramBots' consumer: stores the batch in order, confirming nothing that was not stored or set aside.
         * Never throws. The offset only moves forward: past the highest usable id handled so far.
         */
        private void consume(List<Update> updates) {
            try {
                boolean advanced = false;
                for (Update polled : updates) {
                    if (closed || halted) {
                        return;
                    }
                    PollRequest.RawUpdate update = polled instanceof PollRequest.RawUpdate raw ? raw
                            : PollRequest.read(Json.MAPPER.writeValueAsString(polled));
                    if (!storeOrSetAside(update)) {
                        return;
                    }
                    if (!update.idless) {
                        if (nextOffset == null || update.getUpdateId() + 1 > nextOffset) {
                            nextOffset = update.getUpdateId() + 1;
                            advanced = true;
                        }
                        if (!update.unreadable && update.getCallbackQuery() != null
                                && update.getCallbackQuery().getId() != null) {
                            answerButton(update.getCallbackQuery().getId());
                        }
                    }
                }
                if (!updates.isEmpty() && !advanced) {
                    // nothing confirmable (updates without an id): Telegram answers the next poll at once with
                    // the same, so wait a little rather than spin until a good update comes after them
                    stopping.await(IDLESS_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error | IOException e) {
                // never into TelegramBots: a throwing consumer ends its poller silently. Nothing after the last
                // stored update is confirmed, so Telegram sends the rest again.
                log.log(Level.ERROR, "Handling received Telegram updates failed; they will be received again: "
                        + Redactor.describe(e, token()));
                condition(this, false, "Handling received updates failed; they will be received again");
            }
        }

        /**
         * Stores the update, or sets it aside: at once when it has no usable id, after {@link #ATTEMPTS} failed
         * deliveries otherwise. Keeps trying, with backoff, while the host can do neither (its database is down);
         * {@code false} when the channel stops meanwhile.
         */
        private boolean storeOrSetAside(PollRequest.RawUpdate update) {
            InboundEvent event = update.idless ? null : mapper.map(update);
            int attempts = 0;
            while (true) {
                try {
                    if (event == null) {
                        // Telegram serves it again until a later update is confirmed: set it aside once
                        String digest = digest(update.text);
                        if (!idlessSetAside.contains(digest)) {
                            setAside(update, null, "The update has no usable update_id");
                            idlessSetAside.add(digest);
                        }
                    } else {
                        try {
                            context.inbound().deliver(event);
                            metric("updates.received", "event", event.getClass().getSimpleName());
                        } catch (DeliveryException | RuntimeException e) {
                            if (++attempts < ATTEMPTS) {
                                throw e;
                            }
                            setAside(update, event, "Could not be stored after " + attempts + " attempts: "
                                    + Redactor.redact(String.valueOf(e.getMessage()), token()));
                        }
                    }
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
                            + Redactor.redact(String.valueOf(e.getMessage()), token())
                            + "); they stay unconfirmed at Telegram and are retried in " + seconds(wait);
                    if (deliveryFailures == 1 || deliveryFailures % 10 == 0) {
                        log.log(Level.WARNING, "Delivering Telegram update {0} failed (attempt {1}): {2}",
                                update.idless ? "without id" : update.getUpdateId(), deliveryFailures,
                                Redactor.describe(e, token()));
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

        private static String digest(String text) {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every JVM has SHA-256", e);
            }
        }

        /** Hands the update to the host's set-aside, raw, with the reason; logs and counts it. */
        private void setAside(PollRequest.RawUpdate update, InboundEvent event, String reason)
                throws DeliveryException {
            String type = event instanceof InboundEvent.Unrecognized other ? other.type() : update.kind;
            context.inbound().setAside(update.idless ? null : String.valueOf(update.getUpdateId()), type,
                    Redactor.redact(update.text, token()), reason);
            metric("updates.set-aside");
            log.log(Level.WARNING, "Set Telegram update {0} ({1}) aside, so that the channel moves on: {2}",
                    update.idless ? "without id" : update.getUpdateId(), type, reason);
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
            log.log(Level.WARNING, config.webhook() ? "Telegram channel halted: {0}" : "Telegram polling stopped: {0}",
                    why.getMessage());
            setStatus(ChannelState.NEEDS_ATTENTION, why.getMessage(), why.fixHint().orElse(null), true);
            if (webhookCheck != null) {
                webhookCheck.cancel(false);
            }
            stopPolling(false);
        }

        // ------------------------------------------------------------------------------------------- webhook

        /**
         * Whether a webhook Telegram reports was set by this host, so that this channel may replace or remove it:
         * this channel's own (its opaque id, under any public address: the address may have changed since), or
         * one under this host's webhook address, left by a channel of this host that was deleted (or that uses
         * the same bot, which then finds its webhook gone and asks its admin). Anything else belongs to another
         * program.
         */
        private boolean isThisHostsWebhook(String url) {
            String own = context.webhookUrl().orElse(null);
            if (own == null) {
                return false;
            }
            if (own.equals(url)) {
                return true;
            }
            int slash = own.lastIndexOf('/');
            String id = own.substring(slash + 1);
            if (url.startsWith(own.substring(0, slash + 1))) {
                log.log(Level.INFO, "Replacing a webhook this host set for another channel of the same bot");
                return true;
            }
            try {
                String path = URI.create(url).getRawPath();
                return !id.isEmpty() && path != null && path.endsWith("/hooks/" + id);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        /** Registers this channel's webhook and schedules the checks of its health. */
        private void beginWebhook() throws ChannelException {
            webhookUrl = context.webhookUrl().orElseThrow(() -> new ChannelException(FailureKind.INVALID_REQUEST,
                    TelegramConfig.NO_PUBLIC_URL_MESSAGE, TelegramConfig.NO_PUBLIC_URL_FIX, null, null));
            SetWebhook request = SetWebhook.builder()
                    .url(webhookUrl)
                    .secretToken(webhookSecret)
                    .maxConnections(config.webhookMaxConnections())
                    .allowedUpdates(PollRequest.ALLOWED_UPDATES)
                    .dropPendingUpdates(false)
                    .build();
            try {
                probe.execute(request);
            } catch (TelegramApiException e) {
                ChannelException failure = Failures.of(e, token(), config.baseUrl());
                if (failure.kind() == FailureKind.INVALID_REQUEST) {
                    throw new ChannelException(FailureKind.INVALID_REQUEST, "Telegram refused this channel's webhook "
                            + "address: " + failure.getMessage(), TelegramConfig.NO_PUBLIC_URL_FIX, null,
                            failure.getCause());
                }
                throw failure;
            }
            long period = config.webhookCheckInterval().toMillis();
            // the first check soon, so that health shows what Telegram holds; then spread out
            long first = Math.min(period, 1000 + ThreadLocalRandom.current().nextLong(500));
            webhookCheck = context.scheduler().scheduleWithFixedDelay(this::scheduleWebhookCheck, first, period,
                    TimeUnit.MILLISECONDS);
        }

        /** On the scheduler: hands the check to the executor, one at a time. */
        private void scheduleWebhookCheck() {
            if (closed || halted || !checking.compareAndSet(false, true)) {
                return;
            }
            try {
                context.executor().execute(() -> {
                    try {
                        checkWebhook();
                    } catch (RuntimeException e) {
                        log.log(Level.DEBUG, "Checking the Telegram webhook failed: " + Redactor.describe(e, token()));
                    } finally {
                        checking.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                checking.set(false); // stopping
            }
        }

        /** Asks getWebhookInfo: pending updates, Telegram's last delivery error, and whether the webhook is ours. */
        void checkWebhook() {
            if (closed || halted) {
                return;
            }
            WebhookInfo info;
            try {
                info = probe.execute(new GetWebhookInfo());
            } catch (TelegramApiException e) {
                int code = Failures.errorCode(e);
                if (code == 401 || code == 404) {
                    halt(new ChannelException(FailureKind.UNAUTHORIZED, Failures.UNAUTHORIZED_REASON,
                            Failures.UNAUTHORIZED_FIX, null, null));
                } else {
                    log.log(Level.DEBUG, "Checking the Telegram webhook failed: " + Redactor.describe(e, token()));
                }
                return;
            }
            if (closed || halted || info == null) {
                return;
            }
            if (!webhookUrl.equals(info.getUrl())) {
                halt(new ChannelException(FailureKind.CONFLICT, "The bot's webhook was removed or replaced by another "
                        + "program: Telegram no longer delivers its updates to SmartChat", "Stop the other program "
                        + "that uses this bot's token (it called setWebhook, deleteWebhook or getUpdates), then start "
                        + "this channel again; or give this channel a bot of its own from BotFather", null, null));
                return;
            }
            Integer errorDate = info.getLastErrorDate();
            webhookHealth = new WebhookHealth(info.getPendingUpdatesCount() == null ? 0 : info.getPendingUpdatesCount(),
                    errorDate == null || errorDate <= 0 ? null : Instant.ofEpochSecond(errorDate),
                    info.getLastErrorMessage(), context.clock().instant());
            webhookCondition();
        }

        /**
         * DEGRADED while the host cannot store, or while Telegram's last delivery failed after the last update
         * stored and updates still wait (as the last check saw it); RUNNING otherwise, from the first update stored
         * again.
         */
        private void webhookCondition() {
            String problem = storeProblem;
            String fixHint = null;
            if (problem == null) {
                WebhookHealth health = webhookHealth;
                Instant accepted = lastAccepted;
                // an update stored since the check shows that Telegram delivers again: what it said then is past
                if (health != null && health.lastErrorAt() != null && health.pending() > 0
                        && (accepted == null || !accepted.isAfter(health.checkedAt())
                                && accepted.getEpochSecond() <= health.lastErrorAt().getEpochSecond())) {
                    problem = "Telegram cannot deliver updates to this channel's webhook: "
                            + (health.lastError() == null ? "no reason given"
                                    : Redactor.redact(health.lastError(), token()));
                    fixHint = WEBHOOK_ERROR_FIX;
                }
            }
            condition(this, problem == null, problem, fixHint);
        }

        /** One webhook request: see the class comment. */
        WebhookResponse handleWebhook(WebhookRequest request) {
            if (closed || halted) {
                return WebhookResponse.of(503, "The channel is not running; send again later.");
            }
            if (!WebhookSecret.matches(webhookSecret, request.header(WebhookSecret.HEADER))) {
                metric("webhooks.received", "outcome", "unauthorized");
                Level level = rejected.getAndIncrement() == 0 ? Level.WARNING : Level.DEBUG;
                log.log(level, "Refused a webhook request without the secret header of this channel: it did "
                        + "not come from Telegram (" + request + ")");
                return WebhookResponse.of(401, "");
            }
            String body = new String(request.body(), java.nio.charset.StandardCharsets.UTF_8);
            if (!PollRequest.isObject(body)) {
                metric("webhooks.received", "outcome", "malformed");
                log.log(Level.WARNING, "Refused a webhook request with the right secret whose body is not a Telegram "
                        + "update (" + request + ")");
                return WebhookResponse.of(400, "The body is not a Telegram update.");
            }
            PollRequest.RawUpdate update = PollRequest.read(body);
            InboundEvent event = update.idless ? null : mapper.map(update);
            try {
                if (event == null) {
                    setAside(update, null, "The update has no usable update_id");
                } else {
                    try {
                        context.inbound().deliver(event);
                        webhookAttempts.remove(event.eventId());
                    } catch (DeliveryException | RuntimeException e) {
                        // Telegram's retries are the attempts: the update is set aside at the last, answered 200
                        int attempts = webhookAttempts.merge(event.eventId(), 1, Integer::sum);
                        if (attempts < ATTEMPTS) {
                            throw e;
                        }
                        setAside(update, event, "Could not be stored after " + attempts + " attempts: "
                                + Redactor.redact(String.valueOf(e.getMessage()), token()));
                        webhookAttempts.remove(event.eventId());
                    }
                }
            } catch (DeliveryException | RuntimeException e) {
                int failures = storeFailures.incrementAndGet();
                metric("deliveries.failed");
                metric("webhooks.received", "outcome", "not-stored");
                if (failures == 1 || failures % 10 == 0) {
                    log.log(Level.WARNING, "Storing Telegram update {0} from the webhook failed ({1} so far); "
                            + "Telegram sends it again: {2}", event == null ? "without id" : event.eventId(),
                            failures, Redactor.describe(e, token()));
                }
                if (config.webhook()) {
                    storeProblem = "SmartChat could not store received Telegram messages ("
                            + Redactor.redact(String.valueOf(e.getMessage()), token())
                            + "); Telegram keeps them and sends them again";
                    webhookCondition();
                }
                return WebhookResponse.of(503, "The update could not be stored; send it again later.");
            }
            lastAccepted = context.clock().instant();
            metric("updates.received", "event", event == null ? "none" : event.getClass().getSimpleName());
            metric("webhooks.received", "outcome", "stored");
            if (config.webhook() && (storeProblem != null || status.state() == ChannelState.DEGRADED)) {
                storeProblem = null;
                webhookCondition();
            }
            if (!update.idless && !update.unreadable && update.getCallbackQuery() != null
                    && update.getCallbackQuery().getId() != null) {
                answerButton(update.getCallbackQuery().getId());
            }
            return WebhookResponse.ok();
        }

        // --------------------------------------------------------------------------------------------- health

        boolean pollerDied() {
            if (halted || closed || config.webhook()) {
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
