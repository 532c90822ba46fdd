package com.smartchat.telegram;

import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.InboundEvent;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.updates.DeleteWebhook;
import org.telegram.telegrambots.meta.api.methods.updates.GetWebhookInfo;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.WebhookInfo;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * Everything one start of a {@link TelegramChannel} creates, released by {@link #close()}: the shared HTTP client,
 * TelegramBots' clients, the checks made at start, and the receiver of its mode ({@link LongPollReceiver} or
 * {@link WebhookMonitor}; {@link WebhookHandler} takes webhook requests in both modes). It also holds what its parts
 * share: the config, the mapper, setting aside, answering buttons, metrics, and the move to NEEDS_ATTENTION.
 */
final class ChannelRun {

    final ChannelContext context;
    final System.Logger log;
    final TelegramConfig config;
    final StatusBoard board;
    final Offset offset;
    final WebhookHandler webhooks;
    private final BiConsumer<String, String> moved;
    private final SharedHttp http;
    private OkHttpTelegramClient client;
    /** Checks made at start (getMe, getWebhookInfo, setWebhook or deleteWebhook) and the periodic webhook checks. */
    OkHttpTelegramClient probe;
    Sender sender;
    UpdateMapper mapper;
    volatile String botUsername;
    /** What Telegram sends in {@link WebhookSecret#HEADER}. */
    final String webhookSecret;
    private LongPollReceiver poller;
    /** In webhook mode: registers the webhook and watches Telegram's deliveries; else {@code null}. */
    final WebhookMonitor monitor;
    /** Stopped by this channel because of a 401, 404 or 409: waits for the admin. */
    private volatile boolean halted;
    private volatile boolean closed;
    private volatile boolean deathReported;

    ChannelRun(ChannelContext context, SharedHttp http, TelegramConfig config, StatusBoard board, Offset offset,
               BiConsumer<String, String> moved) {
        this.context = context;
        this.http = http;
        this.log = context.logger();
        this.config = config;
        this.board = board;
        this.offset = offset;
        this.moved = moved;
        this.webhookSecret = WebhookSecret.derive(config.rawToken(), context.channelId());
        this.monitor = config.webhook() ? new WebhookMonitor(this) : null;
        this.webhooks = new WebhookHandler(this);
    }

    String token() {
        return config.rawToken();
    }

    /** Whether this run ended: stopped, or halted for an admin. */
    boolean over() {
        return closed || halted;
    }

    boolean halted() {
        return halted;
    }

    /**
     * Checks the token and who else receives this bot's updates, then begins receiving: webhook requests from the
     * conflict check on (Telegram may deliver before this returns), and polling or the webhook of its mode.
     */
    void begin() throws ChannelException {
        connect();
        WebhookInfo webhook;
        try {
            webhook = probe.execute(new GetWebhookInfo());
        } catch (TelegramApiException e) {
            throw Failures.of(e, token(), config.baseUrl());
        }
        boolean webhookSet = webhook != null && webhook.getUrl() != null && !webhook.getUrl().isBlank();
        if (webhookSet && !isThisHostsWebhook(webhook.getUrl())) {
            throw new ChannelException(FailureKind.CONFLICT, Failures.CONFLICT_REASON + ": a webhook of another "
                    + "program is set for this bot" + (config.webhook()
                            ? "; setting this channel's would take its updates away."
                            : ", so Telegram does not answer getUpdates."), Failures.CONFLICT_FIX, null, null);
        }
        webhooks.open(); // from here on, authentic webhook requests can be stored
        if (monitor != null) {
            monitor.begin();
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
        poller = new LongPollReceiver(this, http.polling(config.pollTimeout()));
        poller.start();
    }

    /**
     * Begins taking webhook requests only, on a host where another host runs the channel: no receiving of its own,
     * no webhook registration, only who the bot is (for the mapper) and what answering buttons needs.
     */
    void beginReceivingOnly() throws ChannelException {
        connect();
        webhooks.open();
    }

    /** Creates the clients and asks Telegram who the bot is. */
    private void connect() throws ChannelException {
        client = new OkHttpTelegramClient(Json.MAPPER, http.requests(), token(), config.apiUrl());
        sender = new Sender(client, token(), config.baseUrl(), context.clock(), moved);
        probe = new OkHttpTelegramClient(Json.MAPPER, http.probe(), token(), config.apiUrl());
        User me;
        try {
            me = probe.execute(new GetMe());
        } catch (TelegramApiException e) {
            throw Failures.of(e, token(), config.baseUrl());
        }
        botUsername = me.getUserName();
        mapper = new UpdateMapper(context.clock(), botUsername);
    }

    /** Ends everything this run began; waits a little for the poller to end. */
    void close() {
        synchronized (this) {
            closed = true;
        }
        if (monitor != null) {
            monitor.stop();
        }
        if (poller != null) {
            poller.stop();
        }
    }

    /** Stops receiving for good and tells the host an admin is needed. */
    void halt(ChannelException why) {
        synchronized (this) {
            if (halted || closed) {
                return;
            }
            halted = true;
        }
        log.log(Level.WARNING, config.webhook() ? "Telegram channel halted: {0}" : "Telegram polling stopped: {0}",
                why.getMessage());
        board.set(ChannelState.NEEDS_ATTENTION, why.getMessage(), why.fixHint().orElse(null), true);
        if (monitor != null) {
            monitor.stop();
        }
    }

    /** Moves between RUNNING and DEGRADED while this run is on; see {@link StatusBoard#condition}. */
    void condition(boolean healthy, String reason, String fixHint) {
        synchronized (this) {
            if (!over()) {
                board.condition(healthy, reason, fixHint);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ health

    /** Whether the poller ended while nobody stopped it (it never should). */
    boolean pollerDied() {
        return !over() && poller != null && poller.ended();
    }

    /** Shows the poller's unexpected end as FAILED, reported once. */
    void reportPollerDeath() {
        synchronized (this) {
            if (deathReported || over()) {
                return;
            }
            deathReported = true;
        }
        log.log(Level.ERROR, "The Telegram poller ended unexpectedly");
        board.set(ChannelState.FAILED, "The Telegram poller stopped unexpectedly: messages are not being received",
                "Restart the channel", true);
    }

    /** For tests: ends the poller the way a failure nobody foresaw would, without this run knowing. */
    void endPollerAbruptly() {
        if (poller != null) {
            poller.endAbruptly();
        }
    }

    // --------------------------------------------------------------------------------------- shared by receivers

    /** Hands the update to the host's set-aside, raw, with the reason; logs and counts it. */
    void setAside(PollRequest.RawUpdate update, InboundEvent event, String reason) throws DeliveryException {
        String type = event instanceof InboundEvent.Unrecognized other ? other.type() : update.kind;
        context.inbound().setAside(update.idless ? null : String.valueOf(update.getUpdateId()), type,
                Redactor.redact(update.text, token()), reason);
        metric("updates.set-aside");
        log.log(Level.WARNING, "Set Telegram update {0} ({1}) aside, so that the channel moves on: {2}",
                update.idless ? "without id" : update.getUpdateId(), type, reason);
    }

    /** Stops the spinner on a pressed button, when the update is one; failures only logged. */
    void answerButton(PollRequest.RawUpdate update) {
        if (update.idless || update.unreadable || update.getCallbackQuery() == null
                || update.getCallbackQuery().getId() == null) {
            return;
        }
        try {
            client.executeAsync(AnswerCallbackQuery.builder().callbackQueryId(update.getCallbackQuery().getId()).build())
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

    /** Counts something; a metrics failure never disturbs the channel. */
    void metric(String name, String... tags) {
        try {
            context.metrics().increment(name, tags);
        } catch (RuntimeException e) {
            // the host's metrics are not the channel's business
        }
    }

    /** A wait as an admin reads it: "1.5 s", "30 s". */
    static String seconds(Duration wait) {
        long millis = wait.toMillis();
        return millis < 10_000 ? String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0) : (millis / 1000) + " s";
    }

    /**
     * Whether a webhook Telegram reports was set by this host, so that this channel may replace or remove it:
     * this channel's own (its opaque id, under any public address: the address may have changed since), or one
     * under this host's webhook address, left by a channel of this host that was deleted (or that uses the same
     * bot, which then finds its webhook gone and asks its admin). Anything else belongs to another program.
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
}
