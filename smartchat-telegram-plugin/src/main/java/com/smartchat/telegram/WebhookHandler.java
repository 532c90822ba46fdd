package com.smartchat.telegram;

import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.spi.WebhookResponse;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes the webhook requests the host hands to a run, in both modes (authentic requests that arrive while the
 * channel polls, sent just before a switch, are stored as well):
 * <ol>
 *   <li>answers 401 to a request without the right {@code X-Telegram-Bot-Api-Secret-Token} (compared in constant
 *       time), storing nothing;</li>
 *   <li>answers 400 to a body that is not a Telegram update;</li>
 *   <li>maps the update as polling does and delivers it to the host, answering 200 only once the host stored it,
 *       and 503 when it could not (Telegram then sends it again; a repeated update is the same event, which the
 *       host drops). Telegram's retries are the attempts: at the {@link TelegramChannel#ATTEMPTS}th failure the
 *       update is set aside and answered 200, and one without a usable id is set aside at once.</li>
 * </ol>
 * Called from many threads at once.
 */
final class WebhookHandler {

    private final ChannelRun run;
    /** Whether the run checked that this bot is its own and requests may be stored. */
    private volatile boolean open;
    /** Failed deliveries of webhook updates by id, until stored or set aside; the oldest forgotten first. */
    private final Map<String, Integer> attempts = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > 10_000;
        }
    });
    private final AtomicInteger rejected = new AtomicInteger();
    private final AtomicInteger storeFailures = new AtomicInteger();

    WebhookHandler(ChannelRun run) {
        this.run = run;
    }

    /** From now on, authentic requests are stored. */
    void open() {
        open = true;
    }

    WebhookResponse handle(WebhookRequest request) {
        if (!open || run.over()) {
            return WebhookResponse.of(503, "The channel is not running; send again later.");
        }
        if (!WebhookSecret.matches(run.webhookSecret, request.header(WebhookSecret.HEADER))) {
            run.metric("webhooks.received", "outcome", "unauthorized");
            Level level = rejected.getAndIncrement() == 0 ? Level.WARNING : Level.DEBUG;
            run.log.log(level, "Refused a webhook request without the secret header of this channel: it did not "
                    + "come from Telegram (" + request + ")");
            return WebhookResponse.of(401, "");
        }
        String body = new String(request.body(), StandardCharsets.UTF_8);
        if (!PollRequest.isObject(body)) {
            run.metric("webhooks.received", "outcome", "malformed");
            run.log.log(Level.WARNING, "Refused a webhook request with the right secret whose body is not a Telegram "
                    + "update (" + request + ")");
            return WebhookResponse.of(400, "The body is not a Telegram update.");
        }
        PollRequest.RawUpdate update = PollRequest.read(body);
        InboundEvent event = update.idless ? null : run.mapper.map(update);
        try {
            storeOrSetAside(update, event);
        } catch (DeliveryException | RuntimeException e) {
            int failures = storeFailures.incrementAndGet();
            run.metric("deliveries.failed");
            run.metric("webhooks.received", "outcome", "not-stored");
            if (failures == 1 || failures % 10 == 0) {
                run.log.log(Level.WARNING, "Storing Telegram update {0} from the webhook failed ({1} so far); "
                        + "Telegram sends it again: {2}", event == null ? "without id" : event.eventId(),
                        failures, Redactor.describe(e, run.token()));
            }
            if (run.monitor != null) {
                run.monitor.notStored("SmartChat could not store received Telegram messages ("
                        + Redactor.redact(String.valueOf(e.getMessage()), run.token())
                        + "); Telegram keeps them and sends them again");
            }
            return WebhookResponse.of(503, "The update could not be stored; send it again later.");
        }
        run.metric("updates.received", "event", event == null ? "none" : event.getClass().getSimpleName());
        run.metric("webhooks.received", "outcome", "stored");
        if (run.monitor != null) {
            run.monitor.stored();
        }
        run.answerButton(update);
        return WebhookResponse.ok();
    }

    /** Throws while Telegram should send the update again. */
    private void storeOrSetAside(PollRequest.RawUpdate update, InboundEvent event) throws DeliveryException {
        if (event == null) {
            run.setAside(update, null, "The update has no usable update_id");
            return;
        }
        try {
            run.context.inbound().deliver(event);
            attempts.remove(event.eventId());
        } catch (DeliveryException | RuntimeException e) {
            int failed = attempts.merge(event.eventId(), 1, Integer::sum);
            if (failed < TelegramChannel.ATTEMPTS) {
                throw e;
            }
            run.setAside(update, event, "Could not be stored after " + failed + " attempts: "
                    + Redactor.redact(String.valueOf(e.getMessage()), run.token()));
            attempts.remove(event.eventId());
        }
    }
}
