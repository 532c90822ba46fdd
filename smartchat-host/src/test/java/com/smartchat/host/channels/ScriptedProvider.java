package com.smartchat.host.channels;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.FormField;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.IdentityPreview;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.SendReceipt;
import com.smartchat.channel.spi.ValidationResult;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider on the host's test class path whose channels do what a test tells them: each channel's starts follow
 * a script of outcomes, and a test can make a running channel report a problem.
 */
public class ScriptedProvider implements ChannelProvider {

    /** What a channel's next start does. */
    public enum Start { SUCCEED, FAIL_TRANSIENT, FAIL_UNAUTHORIZED, HANG }

    private static final Map<String, Queue<Start>> SCRIPTS = new ConcurrentHashMap<>();
    private static final Map<String, ScriptedChannel> CHANNELS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> STARTS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> STOPS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> CONCURRENT_STARTS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> MAX_CONCURRENT_STARTS = new ConcurrentHashMap<>();

    /** The most starts that ran at once among channels whose names begin with {@code group + "-"}. */
    public static int maxConcurrentStarts(String group) {
        return MAX_CONCURRENT_STARTS.computeIfAbsent(group, key -> new AtomicInteger()).get();
    }

    /** Forgets the most starts seen at once in a group. */
    public static void resetConcurrentStarts(String group) {
        MAX_CONCURRENT_STARTS.computeIfAbsent(group, key -> new AtomicInteger()).set(0);
    }

    /** Scripts the starts of channels whose name is {@code name}; after the script runs out, starts succeed. */
    public static void script(String name, Start... starts) {
        SCRIPTS.put(name, new ConcurrentLinkedQueue<>(List.of(starts)));
    }

    /** How often channels named {@code name} were started. */
    public static int starts(String name) {
        return STARTS.computeIfAbsent(name, key -> new AtomicInteger()).get();
    }

    /** How often channels named {@code name} were stopped. */
    public static int stops(String name) {
        return STOPS.computeIfAbsent(name, key -> new AtomicInteger()).get();
    }

    /** The latest channel opened with that name. */
    public static ScriptedChannel channel(String name) {
        return CHANNELS.get(name);
    }

    @Override
    public String id() {
        return "scripted";
    }

    @Override
    public String displayName() {
        return "Scripted";
    }

    @Override
    public String description() {
        return "A test channel that does what the test says.";
    }

    @Override
    public String spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public FormSchema schema() {
        return FormSchema.builder()
                .field(FormField.secret("key").label("Key").required().build())
                .build();
    }

    @Override
    public ValidationResult validate(com.smartchat.channel.spi.ChannelSettings settings) {
        String key = settings.secret("key").orElseThrow().reveal();
        // trusting the schema's types, as plugins may: a name that is not text would throw here
        String name = (String) settings.values().getOrDefault(FormSchema.NAME, "");
        if (name.startsWith("Taken")) {
            return ValidationResult.builder().error(FormSchema.NAME, "The network has a channel of this name.").build();
        }
        if (key.equals("no-answer")) {
            return null;
        }
        if (key.startsWith("crash")) { // quoting the key in the address of a failed request, as careless plugins do
            throw new IllegalStateException("NullPointerException: ApiResponse.getOk() is null at 10.0.0.7:6379/bot"
                    + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8) + "/getMe (key " + key + ")");
        }
        if (key.equals("wrong")) {
            return ValidationResult.builder().error("key", "This key is refused.").build();
        }
        if (key.startsWith("no-account")) { // as a webhook: it posts to an address, and has no account
            return ValidationResult.valid(new IdentityPreview(null, "Scripted webhook", null, null, List.of()));
        }
        return ValidationResult.valid(new IdentityPreview(key.startsWith("other") ? "other" : "account-1",
                "Scripted account", "scripted_bot", null, List.of()));
    }

    @Override
    public Channel open(ChannelContext context) {
        ScriptedChannel channel = new ScriptedChannel(context);
        CHANNELS.put(context.settings().name(), channel);
        return channel;
    }

    /** A channel following its script. */
    public static final class ScriptedChannel implements Channel {
        private final ChannelContext context;
        private final String name;

        ScriptedChannel(ChannelContext context) {
            this.context = context;
            this.name = context.settings().name();
        }

        @Override
        public void start() throws ChannelException {
            STARTS.computeIfAbsent(name, key -> new AtomicInteger()).incrementAndGet();
            String group = name.contains("-") ? name.substring(0, name.indexOf('-')) : name;
            AtomicInteger concurrent = CONCURRENT_STARTS.computeIfAbsent(group, key -> new AtomicInteger());
            MAX_CONCURRENT_STARTS.computeIfAbsent(group, key -> new AtomicInteger())
                    .accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                Start next = SCRIPTS.getOrDefault(name, new ConcurrentLinkedQueue<>()).poll();
                switch (next == null ? Start.SUCCEED : next) {
                    case SUCCEED -> sleep(20);
                    case FAIL_TRANSIENT -> throw new ChannelException(FailureKind.TRANSIENT, "The network is down");
                    case FAIL_UNAUTHORIZED -> throw new ChannelException(FailureKind.UNAUTHORIZED,
                            "The key was revoked", "Paste a new key", null, null);
                    case HANG -> sleep(60_000);
                }
            } finally {
                concurrent.decrementAndGet();
            }
        }

        @Override
        public void stop() {
            STOPS.computeIfAbsent(name, key -> new AtomicInteger()).incrementAndGet();
        }

        /** What the host sent through this channel. */
        public final List<OutboundMessage> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<SendReceipt> send(OutboundMessage message) {
            sent.add(message);
            return CompletableFuture.completedFuture(
                    new SendReceipt(List.of(String.valueOf(sent.size())), context.clock().instant()));
        }

        /** Hands an event to the host as the plugin would, after receiving it from its network. */
        public void receive(com.smartchat.channel.spi.InboundEvent event) throws com.smartchat.channel.spi.DeliveryException {
            context.inbound().deliver(event);
        }

        /** Hands events received together to the host, as a plugin does with one poll's answer. */
        public void receiveAll(List<? extends com.smartchat.channel.spi.InboundEvent> events)
                throws com.smartchat.channel.spi.DeliveryException {
            context.inbound().deliver(events);
        }

        @Override
        public ChannelStatus status() {
            return ChannelStatus.running();
        }

        /** Makes the channel tell the host about a problem, as a plugin does from its own threads. */
        public void report(ChannelState state, String reason, String fixHint) {
            context.executor().execute(() -> context.report(ChannelStatus.of(state, reason, fixHint)));
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
