package com.smartchat.example;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.smartchat.channel.spi.AudienceMember;
import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.Redelivery;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.SendReceipt;
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.spi.WebhookResponse;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * One Echo channel: {@link #send} turns each message into an inbound event (see {@link EchoProvider} for the
 * {@code /as} and {@code /block} commands), and a task on the context's executor delivers those events in order.
 *
 * <p>Delivery is at least once, with the SPI's {@link Redelivery}: when {@code deliver} throws, the same event is
 * delivered again after a pause that doubles from 100 ms up to 5 s, and nothing after it goes first; the channel
 * reports itself {@link ChannelState#DEGRADED} meanwhile. Echoes not yet delivered when the channel stops are delivered after it
 * starts again.
 */
final class EchoChannel implements Channel {

    private static final Pattern AS = Pattern.compile("/as\\s+([A-Za-z0-9_.-]+)\\s+(\\S.*)", Pattern.DOTALL);
    private static final Pattern AS_COMMAND = Pattern.compile("/as(\\s.*)?", Pattern.DOTALL);
    private static final Pattern COMMAND = Pattern.compile("/([A-Za-z0-9_]+)(?:\\s+(.*))?", Pattern.DOTALL);
    private static final String BLOCK = "/block";
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An event and when it is due: the Echo delay after it was sent. */
    private record Echo(InboundEvent event, Instant due) {
    }

    private final ChannelContext context;
    private final EchoSettings settings;
    private final EchoWebhook webhook;
    /** Delivers each echo until stored; its reports also set {@link #status()}. */
    private final Redelivery redelivery;
    private final BlockingDeque<Echo> pending = new LinkedBlockingDeque<>();
    private final Set<String> blockedConversations = ConcurrentHashMap.newKeySet();
    private volatile ChannelStatus status = ChannelStatus.of(ChannelState.CREATED, null, null);
    private Future<?> deliverer;
    private CountDownLatch delivererEnded;

    EchoChannel(ChannelContext context) {
        this.context = context;
        this.settings = EchoSettings.of(context.settings());
        this.webhook = new EchoWebhook(context,
                context.settings().secret(EchoProvider.API_KEY).map(Secret::reveal).orElse(""));
        this.redelivery = new Redelivery(context, this::report);
    }

    /**
     * Checks the API key and begins delivering echoes.
     *
     * @throws ChannelException {@link FailureKind#UNAUTHORIZED} when the key is not an Echo key or was revoked
     */
    @Override
    public synchronized void start() throws ChannelException {
        if (deliverer != null) {
            return;
        }
        String key = context.settings().secret(EchoProvider.API_KEY).map(Secret::reveal).orElse("");
        EchoProvider.KeyProblem problem = EchoProvider.KeyProblem.of(key);
        if (problem != null) {
            status = ChannelStatus.of(ChannelState.NEEDS_ATTENTION, problem.reason, problem.fixHint);
            throw new ChannelException(FailureKind.UNAUTHORIZED, problem.reason, problem.fixHint, null, null);
        }
        CountDownLatch ended = new CountDownLatch(1);
        delivererEnded = ended;
        deliverer = context.executor().submit(() -> deliverEchoes(ended));
        status = ChannelStatus.running();
        context.logger().log(INFO, "Echo channel started with {0} echo(es) pending; {1}", pending.size(),
                context.webhookUrl().map(address -> "webhook at " + address)
                        .orElse("no webhook: the host has no public address (smartchat.public-url)"));
    }

    /** Stops delivering, waiting at most two seconds for a delivery in progress; keeps undelivered echoes. */
    @Override
    public synchronized void stop() {
        if (deliverer != null) {
            deliverer.cancel(true);
            try {
                if (!delivererEnded.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    context.logger().log(WARNING, "Echo delivery did not end within " + STOP_WAIT + " of stop");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deliverer = null;
            context.logger().log(INFO, "Echo channel stopped");
        }
        status = ChannelStatus.of(ChannelState.STOPPED, null, null);
    }

    /**
     * Echoes a message: completes at once with a receipt, and the echo follows through the context's inbound sink.
     * Fails with {@link FailureKind#TRANSIENT} when the channel is not running, with
     * {@link FailureKind#INVALID_REQUEST} for a message without conversation or text or with a malformed
     * {@code /as}, and with {@link FailureKind#RECIPIENT_BLOCKED} for a conversation whose member blocked the
     * channel.
     */
    @Override
    public CompletionStage<SendReceipt> send(OutboundMessage message) {
        ChannelState state = status.state();
        if (state != ChannelState.RUNNING && state != ChannelState.DEGRADED) {
            return failure(FailureKind.TRANSIENT, "The Echo channel is not running.", "Start the channel.");
        }
        if (message.conversationId().isBlank()) {
            return failure(FailureKind.INVALID_REQUEST, "Echo needs a conversation to send to.", null);
        }
        String text = message.text();
        if (text == null || text.isBlank()) {
            return failure(FailureKind.INVALID_REQUEST, "Echo sends text only, and this message has none.", null);
        }
        Matcher as = AS.matcher(text.strip());
        if (as.matches()) {
            writeAs(as.group(1), as.group(2));
        } else if (AS_COMMAND.matcher(text.strip()).matches()) {
            return failure(FailureKind.INVALID_REQUEST, "Write /as, a member and a text, such as /as alice Hello.",
                    null);
        } else if (blockedConversations.contains(message.conversationId())) {
            return failure(FailureKind.RECIPIENT_BLOCKED, "This member blocked the Echo channel.", null);
        } else if (text.strip().equals(BLOCK)) {
            blockedConversations.add(message.conversationId());
            String member = message.conversationId();
            enqueue(new InboundEvent.MemberBlocked(newId(), now(), conversation(member), member(member)));
        } else {
            enqueue(messageFrom(message.conversationId(), text));
        }
        context.metrics().increment("echo.sent");
        return CompletableFuture.completedFuture(new SendReceipt(List.of(newId()), now()));
    }

    @Override
    public ChannelStatus status() {
        return status;
    }

    /** Takes a message pushed to the webhook address while the channel runs: see {@link EchoWebhook}. */
    @Override
    public WebhookResponse handleWebhook(WebhookRequest request) {
        ChannelState state = status.state();
        if (state != ChannelState.RUNNING && state != ChannelState.DEGRADED) {
            return WebhookResponse.of(503, "The Echo channel is not running; send again later.");
        }
        return webhook.handle(request);
    }

    /** A member writes: one who had blocked the channel unblocks it first, as on a real network. */
    private void writeAs(String member, String text) {
        if (blockedConversations.remove(member)) {
            enqueue(new InboundEvent.MemberUnblocked(newId(), now(), conversation(member), member(member)));
        }
        enqueue(messageFrom(member, text));
    }

    private InboundEvent messageFrom(String member, String text) {
        Matcher command = COMMAND.matcher(text.strip());
        return new InboundEvent.MessageReceived(newId(), now(), conversation(member), member(member), newId(),
                render(member, text), List.of(),
                command.matches() ? new InboundEvent.Command(command.group(1), command.group(2)) : null);
    }

    private String render(String member, String text) {
        String echo = settings.template().replace(EchoProvider.TEXT_PLACEHOLDER, text);
        if (settings.shout()) {
            echo = echo.toUpperCase(Locale.ROOT);
        }
        if (!settings.json()) {
            return echo;
        }
        try {
            return JSON.writeValueAsString(JSON.createObjectNode().put("conversation", member).put("text", echo));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of two strings always serializes
        }
    }

    private void enqueue(InboundEvent event) {
        pending.addLast(new Echo(event, now().plusMillis(settings.delayMillis())));
    }

    /** The deliverer's loop, until {@link #stop()} interrupts it; counts {@code ended} down as it ends. */
    private void deliverEchoes(CountDownLatch ended) {
        try {
            while (true) {
                Echo echo = pending.takeFirst();
                try {
                    sleepUntil(echo.due());
                    redelivery.deliver(echo.event());
                    context.metrics().increment("echo.deliveries", "outcome", "stored");
                } catch (InterruptedException e) {
                    pending.addFirst(echo); // not stored for sure: the next start delivers it again
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            // stop() ends the loop
        } finally {
            ended.countDown();
        }
    }

    private void sleepUntil(Instant due) throws InterruptedException {
        Duration wait = Duration.between(now(), due);
        if (wait.isPositive()) {
            Thread.sleep(wait);
        }
    }

    private void report(ChannelStatus newStatus) {
        status = newStatus;
        context.report(newStatus);
    }

    private CompletionStage<SendReceipt> failure(FailureKind kind, String message, String fixHint) {
        return CompletableFuture.failedFuture(new ChannelException(kind, message, fixHint, null, null));
    }

    private Instant now() {
        return context.clock().instant();
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    static Conversation conversation(String member) {
        return new Conversation(member, Conversation.Kind.PRIVATE, null);
    }

    /** A member named after their id: {@code alice} is Alice. */
    static AudienceMember member(String id) {
        return new AudienceMember(id, id.substring(0, 1).toUpperCase(Locale.ROOT) + id.substring(1), id, null);
    }
}
