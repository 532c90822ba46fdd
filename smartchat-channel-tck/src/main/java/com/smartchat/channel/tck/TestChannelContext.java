package com.smartchat.channel.tck;

import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelMetrics;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.InboundSink;

import java.text.MessageFormat;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link ChannelContext} for tests: it plays the host for one channel and records everything the channel does
 * with it, so a test can open a channel, drive it and look at the outcome.
 * <pre>{@code
 * try (TestChannelContext context = new TestChannelContext(settings)) {
 *     Channel channel = provider.open(context);
 *     channel.start();
 *     channel.send(OutboundMessage.text("alice", "Hello"));
 *     List<InboundEvent> events = context.awaitEvents(1, Duration.ofSeconds(5));
 *     channel.stop();
 * }
 * }</pre>
 *
 * <p>What it does, like the host:
 * <ul>
 *   <li>{@link #inbound()} stores each event once per {@link InboundEvent#eventId()}; a second delivery of the same
 *       id is accepted and ignored. A batch ({@link InboundSink#deliver(List)}) is stored whole or not at all.
 *       {@link #failNextDeliveries(int)} and {@link #failDeliveries()} make {@code deliver} throw
 *       {@link DeliveryException}, and {@link #holdDeliveries()} makes it wait, so a test can prove that the channel
 *       delivers again and confirms nothing that was not stored.</li>
 *   <li>{@link #executor()} runs each task on a new virtual thread and {@link #scheduler()} runs delayed work;
 *       {@link #close()} interrupts and ends both, as the host does when a channel stops.</li>
 *   <li>{@link #logger()} records every line at every level, {@link #report(ChannelStatus)} records every status,
 *       and {@link #metrics()} counts.</li>
 * </ul>
 * It is safe to use from any thread.
 */
public final class TestChannelContext implements ChannelContext, AutoCloseable {

    /**
     * One line the channel logged through {@link TestChannelContext#logger()}.
     *
     * @param level the level it was logged at
     * @param message the message with its parameters filled in
     * @param thrown the exception logged with it, or {@code null}
     */
    public record LogLine(System.Logger.Level level, String message, Throwable thrown) {
        @Override
        public String toString() {
            return level + " " + message + (thrown == null ? "" : " (" + thrown + ")");
        }
    }

    private static final String CHANNEL_ID = "test-channel";

    private final ChannelSettings settings;
    private final Clock clock;
    private final String webhookUrl;
    private final Object lock = new Object();
    private final Map<String, InboundEvent> events = new LinkedHashMap<>();
    private final List<ChannelStatus> reports = new ArrayList<>();
    private final List<LogLine> logLines = new ArrayList<>();
    private final Map<List<String>, Long> counters = new LinkedHashMap<>();
    private final Map<List<String>, List<Duration>> timings = new LinkedHashMap<>();
    private final List<Thread> executorThreads = new ArrayList<>();
    private final ExecutorService executor;
    private final ScheduledThreadPoolExecutor scheduler;
    private final List<InboundEvent> attempted = new ArrayList<>();
    private int deliveriesToFail;
    /** The deliveries {@link #holdDeliveries()} holds now, or null. */
    private Hold hold;

    /** A hold, and how it ended: its deliveries fail when it was released by a failure, whatever came after. */
    private static final class Hold {
        boolean released;
        boolean fail;
    }
    private Predicate<InboundEvent> refused = event -> false;
    private final List<SetAside> setAside = new ArrayList<>();

    /** A context for a channel with these settings, on the system clock in UTC. */
    public TestChannelContext(ChannelSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** A context for a channel with these settings, on this clock, without a webhook address. */
    public TestChannelContext(ChannelSettings settings, Clock clock) {
        this(settings, clock, null);
    }

    /**
     * A context for a channel with these settings, on this clock, with this webhook address, as a host with a public
     * address gives it ({@code https://chat.example.com/hooks/<id>}); {@code null} for none, as a host without one.
     * The test then plays the network: it hands the channel requests with {@link
     * com.smartchat.channel.spi.Channel#handleWebhook}.
     *
     * @since 1.4
     */
    public TestChannelContext(ChannelSettings settings, Clock clock, String webhookUrl) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.webhookUrl = webhookUrl;
        ThreadFactory virtualThreads = Thread.ofVirtual().name("test-channel-task-", 1).factory();
        // Keeps the threads so that the kit can tell whether stop() ended the channel's work.
        this.executor = Executors.newThreadPerTaskExecutor(task -> {
            Thread thread = virtualThreads.newThread(task);
            synchronized (lock) {
                executorThreads.add(thread);
            }
            return thread;
        });
        this.scheduler = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("test-channel-scheduler").daemon().factory());
        // So that a cancelled task leaves the queue at once and the queue shows only live work.
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Always {@code test-channel}. */
    @Override
    public String channelId() {
        return CHANNEL_ID;
    }

    /** The settings this context was made with. */
    @Override
    public ChannelSettings settings() {
        return settings;
    }

    /**
     * Stores each event once per {@link InboundEvent#eventId()}, as the host does, a batch whole or not at all; or
     * throws {@link DeliveryException} when told to by {@link #failNextDeliveries(int)}, {@link #failDeliveries()}
     * or {@link #refuseEvents}; or waits while told to by {@link #holdDeliveries()}.
     */
    @Override
    public InboundSink inbound() {
        return new InboundSink() {
            @Override
            public void deliver(InboundEvent event) throws DeliveryException {
                Objects.requireNonNull(event, "deliver(null): a channel delivers events, never null");
                TestChannelContext.this.deliver(List.of(event));
            }

            @Override
            public void deliver(List<? extends InboundEvent> events) throws DeliveryException {
                Objects.requireNonNull(events, "deliver(null): a channel delivers a list of events, never null");
                events.forEach(event -> Objects.requireNonNull(event, "deliver(" + events + "): a batch holds "
                        + "events, never null"));
                TestChannelContext.this.deliver(List.copyOf(events));
            }

            @Override
            public void setAside(String eventId, String type, String payload, String reason)
                    throws DeliveryException {
                TestChannelContext.this.setAside(eventId, type, payload, reason);
            }
        };
    }

    private void deliver(List<InboundEvent> batch) throws DeliveryException {
        if (batch.isEmpty()) {
            return;
        }
        synchronized (lock) {
            attempted.addAll(batch);
            lock.notifyAll();
            Hold mine = hold;
            while (mine != null && !mine.released) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DeliveryException("TestChannelContext was holding this delivery when the channel's "
                            + "thread was interrupted: nothing is stored", e);
                }
            }
            boolean heldThenFailed = mine != null && mine.fail;
            if (heldThenFailed || deliveriesToFail > 0) {
                if (!heldThenFailed) {
                    deliveriesToFail--;
                }
                throw new DeliveryException("TestChannelContext failed this delivery on purpose: do not confirm "
                        + "the event to the network, and deliver it again later", null);
            }
            if (batch.stream().anyMatch(refused)) {
                throw new DeliveryException("TestChannelContext refuses this event on purpose, every time", null);
            }
            batch.forEach(event -> events.putIfAbsent(event.eventId(), event));
            lock.notifyAll();
        }
    }

    /** The address this context was made with, if any. */
    @Override
    public Optional<String> webhookUrl() {
        return Optional.ofNullable(webhookUrl);
    }

    /** Virtual threads, one per task; {@link #close()} interrupts those still running. */
    @Override
    public ExecutorService executor() {
        return executor;
    }

    /** One platform thread for delayed and periodic work; {@link #close()} cancels what is left. */
    @Override
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** The clock this context was made with. */
    @Override
    public Clock clock() {
        return clock;
    }

    /** Counts increments and keeps timings: read them with {@link #count} and {@link #timings}. */
    @Override
    public ChannelMetrics metrics() {
        return new ChannelMetrics() {
            @Override
            public void increment(String name, String... tags) {
                synchronized (lock) {
                    counters.merge(metricKey(name, tags), 1L, Long::sum);
                }
            }

            @Override
            public void record(String name, Duration duration, String... tags) {
                synchronized (lock) {
                    timings.computeIfAbsent(metricKey(name, tags), key -> new ArrayList<>()).add(duration);
                }
            }
        };
    }

    /** Records every line, at every level, so that debug lines are checked for secrets too. */
    @Override
    public System.Logger logger() {
        return new System.Logger() {
            @Override
            public String getName() {
                return CHANNEL_ID;
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
                addLogLine(new LogLine(level, message, thrown));
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                String message = params == null || params.length == 0 ? format : MessageFormat.format(format, params);
                addLogLine(new LogLine(level, message, null));
            }
        };
    }

    private void addLogLine(LogLine line) {
        synchronized (lock) {
            logLines.add(line);
        }
    }

    @Override
    public void report(ChannelStatus status) {
        Objects.requireNonNull(status, "report(null): report a ChannelStatus, never null");
        synchronized (lock) {
            reports.add(status);
        }
    }

    /** The events stored so far, once each, in the order they were first delivered. */
    public List<InboundEvent> events() {
        synchronized (lock) {
            return List.copyOf(events.values());
        }
    }

    /**
     * Waits until at least {@code count} events are stored.
     *
     * @return the first {@code count} events stored
     * @throws AssertionError when fewer arrived within the timeout, naming what did arrive
     */
    public List<InboundEvent> awaitEvents(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (events.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Expected " + count + " stored events within " + timeout + " but the "
                            + "channel stored " + events.size() + " in " + attempted.size() + " delivery attempts: "
                            + events.values() + ". Does the channel hand each event to context.inbound().deliver(), "
                            + "and deliver again after a DeliveryException?");
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return List.copyOf(events.values()).subList(0, count);
        }
    }

    /**
     * How many events the channel handed to {@code deliver}: failed, held and repeated ones included, each event of a
     * batch counted.
     */
    public int deliveryAttempts() {
        synchronized (lock) {
            return attempted.size();
        }
    }

    /**
     * Waits until the channel handed at least {@code count} events to {@code deliver}, whatever became of them.
     *
     * @return the first {@code count} events handed over, failed, held and repeated ones included, each event of a
     *         batch on its own
     * @throws AssertionError when fewer came within the timeout
     */
    public List<InboundEvent> awaitDeliveryAttempts(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (attempted.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Expected " + count + " events handed to deliver() within " + timeout
                            + " but the channel handed over " + attempted.size() + ": " + attempted);
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return List.copyOf(attempted.subList(0, count));
        }
    }

    /**
     * Makes the next {@code count} calls of {@code deliver} throw {@link DeliveryException}, storing nothing; a
     * batch fails whole, as one call. Releases the deliveries {@link #holdDeliveries()} holds: they fail too.
     */
    public void failNextDeliveries(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("A count of deliveries to fail cannot be negative: " + count);
        }
        synchronized (lock) {
            deliveriesToFail = count;
            if (hold != null) {
                hold.released = true;
                hold.fail = count > 0;
                hold = null;
            }
            lock.notifyAll();
        }
    }

    /**
     * Makes every call of {@code deliver} wait, storing nothing, as a host does while its database is slow: until
     * {@link #acceptDeliveries()} (then they store), {@link #failNextDeliveries(int)} or {@link #failDeliveries()}
     * (then they fail) or {@link #close()}. A call whose thread is interrupted while it waits throws
     * {@link DeliveryException}. So that a test can look at what the channel does while a delivery has not returned:
     * it must confirm nothing of it to the network.
     */
    public void holdDeliveries() {
        synchronized (lock) {
            if (hold == null) {
                hold = new Hold();
            }
        }
    }

    /** Makes every call of {@code deliver} throw {@link DeliveryException} until {@link #acceptDeliveries()}. */
    public void failDeliveries() {
        failNextDeliveries(Integer.MAX_VALUE);
    }

    /**
     * Makes {@code deliver} throw {@link DeliveryException} for every event that matches, every time (and for every
     * batch that holds one, storing none of it): poison input
     * that the host can never store, which the channel must set aside ({@link InboundSink#setAside}) after a bounded
     * number of attempts, and move on.
     */
    public void refuseEvents(Predicate<InboundEvent> which) {
        synchronized (lock) {
            refused = Objects.requireNonNull(which, "which");
        }
    }

    /**
     * What the channel set aside through {@link InboundSink#setAside}.
     *
     * @param eventId the network's id, or {@code null}
     * @param type the network's name for its kind
     * @param payload as received
     * @param reason why
     */
    public record SetAside(String eventId, String type, String payload, String reason) {
    }

    private void setAside(String eventId, String type, String payload, String reason) throws DeliveryException {
        Objects.requireNonNull(type, "setAside: a type is needed");
        Objects.requireNonNull(payload, "setAside: the payload is needed");
        Objects.requireNonNull(reason, "setAside: a reason is needed");
        synchronized (lock) {
            if (deliveriesToFail == Integer.MAX_VALUE) {
                throw new DeliveryException("TestChannelContext stores nothing now, set aside neither", null);
            }
            boolean known = setAside.stream().anyMatch(kept -> eventId != null ? eventId.equals(kept.eventId())
                    : kept.eventId() == null && payload.equals(kept.payload()));
            if (!known) {
                setAside.add(new SetAside(eventId, type, payload, reason));
            }
            lock.notifyAll();
        }
    }

    /** What the channel set aside so far, once each, oldest first. */
    public List<SetAside> setAside() {
        synchronized (lock) {
            return List.copyOf(setAside);
        }
    }

    /** Makes {@code deliver} store events again; releases the deliveries {@link #holdDeliveries()} holds. */
    public void acceptDeliveries() {
        failNextDeliveries(0);
    }

    /** The statuses the channel reported, oldest first. */
    public List<ChannelStatus> reports() {
        synchronized (lock) {
            return List.copyOf(reports);
        }
    }

    /** The status the channel reported last, if any. */
    public Optional<ChannelStatus> lastReport() {
        synchronized (lock) {
            return reports.isEmpty() ? Optional.empty() : Optional.of(reports.getLast());
        }
    }

    /** The lines the channel logged, oldest first. */
    public List<LogLine> logLines() {
        synchronized (lock) {
            return List.copyOf(logLines);
        }
    }

    /**
     * How many times the channel incremented a counter, over every tag set that includes the given tags: with no
     * tags, the counter's total.
     *
     * @param name the counter's name
     * @param tags name/value pairs the increments must have had, such as {@code "outcome", "ok"}
     */
    public long count(String name, String... tags) {
        synchronized (lock) {
            return counters.entrySet().stream()
                    .filter(entry -> matches(entry.getKey(), name, tags))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }
    }

    /** The durations recorded under a timer's name, whatever their tags, oldest first. */
    public List<Duration> timings(String name) {
        synchronized (lock) {
            return timings.entrySet().stream()
                    .filter(entry -> entry.getKey().getFirst().equals(name))
                    .flatMap(entry -> entry.getValue().stream())
                    .toList();
        }
    }

    /**
     * Interrupts the channel's tasks and cancels its scheduled work, as the host does when a channel stops; every
     * later or held delivery fails.
     */
    @Override
    public void close() throws InterruptedException {
        failDeliveries(); // a held delivery ends: the host is gone
        executor.shutdownNow();
        scheduler.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Every metric name and tag the channel used, for the kit's secret check. */
    List<String> metricNamesAndTags() {
        synchronized (lock) {
            List<String> all = new ArrayList<>();
            counters.keySet().forEach(all::addAll);
            timings.keySet().forEach(all::addAll);
            return all;
        }
    }

    /** How many tasks the channel gave {@link #executor()} and {@link #scheduler()}. */
    long tasksSubmitted() {
        synchronized (lock) {
            return executorThreads.size() + scheduler.getTaskCount();
        }
    }

    /** A description of the channel's tasks still running on {@link #executor()} or waiting on the scheduler. */
    Optional<String> liveTasks() {
        List<Thread> alive;
        synchronized (lock) {
            alive = executorThreads.stream().filter(Thread::isAlive).toList();
        }
        int scheduled = scheduler.getQueue().size();
        if (alive.isEmpty() && scheduled == 0) {
            return Optional.empty();
        }
        List<String> where = alive.stream().map(thread -> thread.getName() + " at " + topFrame(thread)).toList();
        return Optional.of(alive.size() + " task(s) still running on context.executor() " + where + " and "
                + scheduled + " task(s) still scheduled on context.scheduler()");
    }

    private static String topFrame(Thread thread) {
        StackTraceElement[] stack = thread.getStackTrace();
        return Arrays.stream(stack)
                .filter(frame -> !frame.getClassName().startsWith("java.") && !frame.getClassName().startsWith("jdk."))
                .findFirst()
                .or(() -> Arrays.stream(stack).findFirst())
                .map(StackTraceElement::toString)
                .orElse("an unknown place");
    }

    private static List<String> metricKey(String name, String... tags) {
        Objects.requireNonNull(name, "A metric needs a name");
        if (tags.length % 2 != 0) {
            throw new IllegalArgumentException("Metric tags come in name/value pairs, but '" + name + "' got "
                    + tags.length + ": " + Arrays.toString(tags));
        }
        List<String> key = new ArrayList<>();
        key.add(name);
        for (String tag : tags) {
            key.add(Objects.requireNonNull(tag, () -> "Metric '" + name + "' has a null tag: " + Arrays.toString(tags)));
        }
        return List.copyOf(key);
    }

    private static boolean matches(List<String> key, String name, String... tags) {
        if (!key.getFirst().equals(name)) {
            return false;
        }
        List<String> keyTags = key.subList(1, key.size());
        for (int i = 0; i + 1 < tags.length; i += 2) {
            if (!hasPair(keyTags, tags[i], tags[i + 1])) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasPair(List<String> tags, String name, String value) {
        for (int i = 0; i + 1 < tags.size(); i += 2) {
            if (tags.get(i).equals(name) && tags.get(i + 1).equals(value)) {
                return true;
            }
        }
        return false;
    }
}
