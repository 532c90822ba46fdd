package com.smartchat.host.web;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent event streams that tell open pages that something of theirs changed, by topic (a Space's inbox, a
 * sandbox chat); the pages then fetch what changed through their ordinary, access-checked routes, so events carry
 * no content.
 *
 * <p>A page that goes away is only noticed when something is written to its stream: every stream gets a comment
 * line each {@link LiveStreamProperties#heartbeat()}, and one whose write fails is released. A user holds at most
 * {@link LiveStreamProperties#maxStreamsPerUser()} streams of one kind; one more is refused with 429. The number of
 * open streams is the gauge {@code smartchat.live.streams}, tagged with the kind.
 *
 * @param <K> what a page listens to
 */
public final class LiveStreams<K> {

    /** The longest a stream stays open; the browser's EventSource then opens a new one. */
    private static final Duration TIMEOUT = Duration.ofMinutes(20);

    private final LiveStreamProperties settings;
    private final Map<K, Set<Stream<K>>> byTopic = new ConcurrentHashMap<>();
    private final Map<String, Set<Stream<K>>> byUser = new ConcurrentHashMap<>();
    private final ExecutorService sender;
    private final ScheduledExecutorService heartbeat;

    /** One open stream: whose, to what. */
    private record Stream<K>(String user, K topic, SseEmitter emitter) {
    }

    /**
     * Starts the heartbeat; {@link #close()} stops it.
     *
     * @param kind names the threads and tags the gauge: "inbox", "sandbox"
     */
    public LiveStreams(String kind, LiveStreamProperties settings, MeterRegistry meters) {
        this.settings = settings;
        this.sender = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(kind + "-live-", 0).factory());
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name(kind + "-live-heartbeat").factory());
        long every = settings.heartbeat().toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
        Gauge.builder("smartchat.live.streams", this, LiveStreams::openCount)
                .description("Open live-update streams of the pages").tag("kind", kind).register(meters);
    }

    /**
     * A new stream for a user's page.
     *
     * @throws ResponseStatusException 429 when the user holds the most streams already
     */
    public SseEmitter open(String user, K topic) {
        Stream<K> stream = new Stream<>(user, topic, new SseEmitter(TIMEOUT.toMillis()));
        boolean[] admitted = {false};
        byUser.compute(user, (name, streams) -> {
            Set<Stream<K>> those = streams == null ? ConcurrentHashMap.newKeySet() : streams;
            if (those.size() < settings.maxStreamsPerUser()) {
                admitted[0] = those.add(stream);
            }
            return those.isEmpty() ? null : those;
        });
        if (!admitted[0]) {
            throw new ResponseStatusException(HttpStatus.TOO_MANY_REQUESTS, "At most "
                    + settings.maxStreamsPerUser() + " pages per user follow live updates at once: close some tabs.");
        }
        byTopic.compute(topic, (key, streams) -> {
            Set<Stream<K>> those = streams == null ? ConcurrentHashMap.newKeySet() : streams;
            those.add(stream);
            return those;
        });
        SseEmitter emitter = stream.emitter();
        emitter.onCompletion(() -> release(stream));
        emitter.onTimeout(() -> {
            release(stream);
            emitter.complete();
        });
        emitter.onError(error -> release(stream));
        send(stream, SseEmitter.event().comment("listening").reconnectTime(3000));
        return emitter;
    }

    /**
     * Tells every page listening to the topic, off the caller's thread: nobody waits for browsers.
     *
     * @param event makes the event, once per stream (a built event cannot be sent twice)
     */
    public void publish(K topic, Supplier<SseEmitter.SseEventBuilder> event) {
        Set<Stream<K>> those = byTopic.get(topic);
        if (those == null || those.isEmpty() || sender.isShutdown()) {
            return;
        }
        try {
            sender.execute(() -> those.forEach(stream -> send(stream, event.get())));
        } catch (RejectedExecutionException e) {
            // shutting down: the pages are gone
        }
    }

    /** Whether any stream is open now: cheaper than {@link #openCount()}, for a publisher with work to skip. */
    public boolean anyOpen() {
        return !byTopic.isEmpty();
    }

    /** How many streams are open now. */
    public int openCount() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }

    /** Ends every stream before the web server's graceful shutdown waits for open requests. */
    public void close() {
        heartbeat.shutdownNow();
        sender.shutdown();
        byUser.values().forEach(those -> those.forEach(stream -> stream.emitter().complete()));
        byUser.clear();
        byTopic.clear();
    }

    private void beat() {
        byUser.values().forEach(those -> those.forEach(stream -> send(stream, SseEmitter.event().comment("heartbeat"))));
    }

    private void send(Stream<K> stream, SseEmitter.SseEventBuilder event) {
        try {
            stream.emitter().send(event);
        } catch (IOException | IllegalStateException e) {
            // The page is gone; after a failed write the container ends the request itself.
            release(stream);
        }
    }

    private void release(Stream<K> stream) {
        byUser.computeIfPresent(stream.user(), (name, those) -> {
            those.remove(stream);
            return those.isEmpty() ? null : those;
        });
        byTopic.computeIfPresent(stream.topic(), (key, those) -> {
            those.remove(stream);
            return those.isEmpty() ? null : those;
        });
    }
}
