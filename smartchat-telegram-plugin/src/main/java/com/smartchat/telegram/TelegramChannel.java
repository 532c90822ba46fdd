package com.smartchat.telegram;

import com.smartchat.channel.spi.AttachmentContent;
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
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;

/**
 * One Telegram bot: its lifecycle and status. Each start makes a {@link ChannelRun}, which receives by long polling
 * ({@link LongPollReceiver}: a loop on the host's executor calling TelegramBots' client with {@code GetUpdates}) or
 * by webhook through the host ({@link WebhookMonitor} registers it, {@link WebhookHandler} takes the requests), and
 * sends through TelegramBots' {@link OkHttpTelegramClient} ({@link Sender}).
 *
 * <h2>Nothing confirmed before it is stored</h2>
 * Telegram confirms every update whose id is below the {@code offset} of the next getUpdates, and a webhook update
 * answered 200. So a polled answer is handed to the host's {@link com.smartchat.channel.spi.InboundSink} in one
 * call, and the {@link Offset} moves past it only once that returned ({@link PolledUpdates}); a webhook request is
 * answered 200 only once its update is stored. Updates that cannot be stored are delivered again, with backoff,
 * and set aside after {@link #ATTEMPTS} failures, so that no input stalls a channel.
 *
 * <h2>States</h2>
 * STARTING while {@code start()} checks the token and the webhook; RUNNING; DEGRADED while Telegram or the host
 * fails (polls fail, updates cannot be stored, Telegram cannot reach the webhook), RUNNING again from the next
 * success; NEEDS_ATTENTION when an admin must act (a rejected token, another program receiving this bot's updates,
 * an unusable setting), after which the channel stops receiving until started again; FAILED when starting failed
 * otherwise or the poller ended unexpectedly; STOPPED.
 *
 * <p>{@code stop()} leaves a webhook set: Telegram keeps the updates that arrive meanwhile and delivers them when
 * the channel runs again. Switching to long polling removes this channel's own webhook (or one this host set for a
 * channel since deleted) without dropping pending updates; a webhook of another program is a conflict for the
 * admin, in both modes.
 */
final class TelegramChannel implements Channel {

    /**
     * Deliveries of one update before it is set aside: enough to ride out a brief database hiccup (with backoff,
     * about 7 s when polling; Telegram's retries when by webhook), few enough that a channel never stalls on it.
     */
    static final int ATTEMPTS = 5;

    private final ChannelContext context;
    private final System.Logger log;
    private final Object lifecycle = new Object();
    private final StatusBoard board;
    /** The provider's client, shared by its channels. */
    private final SharedHttp http;
    /** Survives restarts: a restart asks for nothing already stored. */
    private final Offset offset = new Offset();

    /** The current run, or {@code null} when stopped. */
    private volatile ChannelRun run;
    /**
     * The run that takes webhook requests: set before its checks (Telegram may deliver before {@code start()}
     * returns), cleared when that run ends.
     */
    private volatile ChannelRun receiving;
    /** Takes webhook requests for a channel that another host runs: opened, never started (see below). */
    private ChannelRun receivingOnly;
    /** Whether start() or stop() was called: a channel that ran, or was stopped, takes no request unstarted. */
    private boolean startedOrStopped;

    TelegramChannel(ChannelContext context, SharedHttp http) {
        this.context = context;
        this.http = http;
        this.log = context.logger();
        this.board = new StatusBoard(context, this::details);
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    @Override
    public void start() throws ChannelException {
        synchronized (lifecycle) {
            startedOrStopped = true;
            endReceivingOnly();
            if (run != null) {
                if (!run.halted()) {
                    return;
                }
                end(run); // halted by a 401 or 409: start afresh
            }
            TelegramConfig config = configOrThrow();
            board.set(ChannelState.STARTING, null, null, false);
            ChannelRun next = new ChannelRun(context, http, config, board, offset, this::reportMove);
            receiving = next;
            try {
                next.begin();
            } catch (ChannelException e) {
                end(next);
                ChannelState state = e.kind() == FailureKind.UNAUTHORIZED || e.kind() == FailureKind.CONFLICT
                        || e.kind() == FailureKind.INVALID_REQUEST ? ChannelState.NEEDS_ATTENTION : ChannelState.FAILED;
                board.set(state, e.getMessage(), e.fixHint().orElse(null), false);
                throw e;
            } catch (RuntimeException e) {
                end(next);
                String reason = "The channel could not start: " + Redactor.describe(e, config.rawToken());
                board.set(ChannelState.FAILED, reason, null, false);
                throw new ChannelException(FailureKind.TRANSIENT, reason, null, null,
                        Redactor.redact(e, config.rawToken()));
            }
            run = next;
            ChannelStatus sofar = board.current();
            if (config.webhook() && sofar.state() == ChannelState.DEGRADED) {
                // a webhook update that could not be stored while starting: still true
                board.set(ChannelState.DEGRADED, sofar.reason(), sofar.fixHint(), false);
            } else {
                board.set(ChannelState.RUNNING, null, null, false);
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

    /** The settings as a config, or NEEDS_ATTENTION and the reason. */
    private TelegramConfig configOrThrow() throws ChannelException {
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
            board.set(ChannelState.NEEDS_ATTENTION, e.getMessage(), failure.fixHint().orElse(null), false);
            throw failure;
        }
        if (config.webhook()) {
            String address = context.webhookUrl().orElse(null);
            String problem = address == null ? "This channel receives updates by webhook, but the host has no "
                    + "public address (smartchat.public-url), so Telegram cannot reach it."
                    : config.webhookAddressProblem(address);
            if (problem != null) {
                board.set(ChannelState.NEEDS_ATTENTION, problem, TelegramConfig.NO_PUBLIC_URL_FIX, false);
                throw new ChannelException(FailureKind.INVALID_REQUEST, problem, TelegramConfig.NO_PUBLIC_URL_FIX,
                        null, null);
            }
        }
        return config;
    }

    @Override
    public void stop() {
        synchronized (lifecycle) {
            ChannelRun current = run;
            run = null;
            if (current != null) {
                end(current);
                log.log(Level.INFO, "Telegram channel stopped");
            }
            startedOrStopped = true;
            endReceivingOnly();
            board.set(ChannelState.STOPPED, null, null, false);
        }
    }

    private void endReceivingOnly() {
        if (receivingOnly != null) {
            end(receivingOnly);
            receivingOnly = null;
        }
    }

    private void end(ChannelRun current) {
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
        ChannelRun current = run;
        if (current != null && current.pollerDied()) {
            current.reportPollerDeath();
        }
        return board.current();
    }

    /** What the status shows besides its state: the bot, the delivery, the webhook's health, the offset. */
    private Map<String, String> details() {
        Map<String, String> details = new LinkedHashMap<>();
        ChannelRun current = run;
        if (current != null && current.botUsername != null) {
            details.put("bot", "@" + current.botUsername);
            details.put("link", "https://t.me/" + current.botUsername);
        }
        if (current != null) {
            details.put("delivery", current.config.webhook() ? "webhook" : "long polling");
            WebhookMonitor.Health webhook = current.monitor == null ? null : current.monitor.health();
            if (webhook != null) {
                details.put("webhookPendingUpdates", String.valueOf(webhook.pending()));
                if (webhook.lastErrorAt() != null) {
                    details.put("webhookLastError", Redactor.redact(webhook.lastError(), current.token()));
                    details.put("webhookLastErrorAt", webhook.lastErrorAt().toString());
                }
                details.put("webhookCheckedAt", webhook.checkedAt().toString());
            }
        }
        Integer next = offset.next();
        if (next != null) {
            details.put("confirmedThroughUpdate", String.valueOf(next - 1));
        }
        return details;
    }

    /** For tests: ends the poller as a failure nobody foresaw would, without this channel knowing. */
    void endPollerAbruptlyForTest() {
        ChannelRun current = run;
        if (current != null) {
            current.endPollerAbruptly();
        }
    }

    // -------------------------------------------------------------------------------------------------- webhook

    /** Takes one webhook request from the host ({@link WebhookHandler}). Called from many threads; never throws. */
    @Override
    public WebhookResponse handleWebhook(WebhookRequest request) {
        ChannelRun current = receiving != null ? receiving : receivingOnly();
        if (current == null) {
            return WebhookResponse.of(503, "The channel is not running; send again later.");
        }
        try {
            return current.webhooks.handle(request);
        } catch (RuntimeException | Error e) {
            log.log(Level.ERROR, "Handling a Telegram webhook request failed; Telegram will send it again: "
                    + Redactor.describe(e, current.token()));
            return WebhookResponse.of(503, "The update could not be handled; send it again later.");
        }
    }

    /** Yes: a channel opened and never started takes webhook requests, for a host that does not run it. */
    @Override
    public boolean receivesWebhooksUnstarted() {
        return true;
    }

    /**
     * What takes webhook requests on a channel that was opened and never started, made at the first request; null
     * once the channel was started or stopped, and when Telegram cannot tell who the bot is.
     */
    private ChannelRun receivingOnly() {
        synchronized (lifecycle) {
            if (startedOrStopped) {
                return null;
            }
            if (receivingOnly == null) {
                TelegramConfig config;
                try {
                    config = TelegramConfig.from(context.settings());
                } catch (TelegramConfig.InvalidSetting e) {
                    log.log(Level.WARNING, "Cannot take webhook requests for this channel here: " + e.getMessage());
                    return null;
                }
                ChannelRun next = new ChannelRun(context, http, config, board, offset, this::reportMove);
                try {
                    next.beginReceivingOnly();
                } catch (ChannelException | RuntimeException e) {
                    end(next);
                    log.log(Level.WARNING, "Cannot take webhook requests for this channel here: "
                            + Redactor.describe(e, config.rawToken()));
                    return null;
                }
                receivingOnly = next;
            }
            return receivingOnly;
        }
    }

    // ----------------------------------------------------------------------------------------------------- send

    @Override
    public CompletionStage<SendReceipt> send(OutboundMessage message) {
        CompletableFuture<SendReceipt> result = new CompletableFuture<>();
        ChannelRun current = run;
        if (current == null) {
            result.completeExceptionally(new ChannelException(FailureKind.TRANSIENT,
                    "The Telegram channel is not running.", "Start the channel", null, null));
            return result;
        }
        try {
            context.executor().execute(() -> {
                try {
                    result.complete(current.sender.send(message));
                    current.metric("sends", "outcome", "sent");
                } catch (ChannelException e) {
                    current.metric("sends", "outcome", e.kind().name().toLowerCase(Locale.ROOT));
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

    /** Fetches a file a user sent, by its file_id: works on a channel opened and never started, too. */
    @Override
    public AttachmentContent fetchAttachment(String reference, long maxBytes) throws ChannelException {
        TelegramConfig config;
        try {
            config = TelegramConfig.from(context.settings());
        } catch (TelegramConfig.InvalidSetting e) {
            throw new ChannelException(FailureKind.INVALID_REQUEST, e.getMessage());
        }
        return FileFetcher.fetch(http.requests(), config, reference, maxBytes);
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

    @Override
    public boolean reconfigure(ChannelSettings settings) {
        return false; // the host stops this channel and opens one with the new settings; the token is in the run
    }
}
