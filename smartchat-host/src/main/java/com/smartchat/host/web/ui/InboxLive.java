package com.smartchat.host.web.ui;

import com.smartchat.host.channels.ChannelRecord;
import com.smartchat.host.channels.ChannelRepository;
import com.smartchat.host.inbox.InboxChanged;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live inbox updates: every open inbox page listens with server-sent events to its Space, and each stored inbound
 * event or queued reply ({@link InboxChanged}) tells the pages of that Space which conversation changed. The pages
 * then fetch what changed, through the same access checks as any page. Events never carry message content.
 */
@Component
public class InboxLive {

    private static final Logger log = LoggerFactory.getLogger(InboxLive.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(20);

    private final ChannelRepository channels;
    private final Map<UUID, Set<SseEmitter>> listeners = new ConcurrentHashMap<>();
    private final ExecutorService sender = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("inbox-live-", 0).factory());

    public InboxLive(ChannelRepository channels) {
        this.channels = channels;
    }

    /** A new listener to a Space's inbox. */
    public SseEmitter listen(UUID spaceId) {
        SseEmitter emitter = new SseEmitter(TIMEOUT.toMillis());
        Set<SseEmitter> space = listeners.computeIfAbsent(spaceId, id -> ConcurrentHashMap.newKeySet());
        space.add(emitter);
        Runnable forget = () -> space.remove(emitter);
        emitter.onCompletion(forget);
        emitter.onTimeout(() -> {
            forget.run();
            emitter.complete();
        });
        emitter.onError(error -> forget.run());
        try {
            emitter.send(SseEmitter.event().comment("listening").reconnectTime(3000));
        } catch (IOException e) {
            forget.run();
        }
        return emitter;
    }

    /** How many pages listen now, for tests and curiosity. */
    public int listenerCount() {
        return listeners.values().stream().mapToInt(Set::size).sum();
    }

    @EventListener
    public void onInboxChanged(InboxChanged change) {
        if (listeners.isEmpty() || sender.isShutdown()) {
            return;
        }
        try {
            // Off the caller's thread: the inbound path must not wait for browsers.
            sender.execute(() -> send(change));
        } catch (RejectedExecutionException e) {
            // shutting down: the pages are gone
        }
    }

    private void send(InboxChanged change) {
        UUID spaceId = channels.find(change.channelId()).map(ChannelRecord::spaceId).orElse(null);
        Set<SseEmitter> space = spaceId == null ? null : listeners.get(spaceId);
        if (space == null) {
            return;
        }
        String data = change.conversationId() == null ? "" : change.conversationId().toString();
        for (SseEmitter emitter : space) {
            try {
                emitter.send(SseEmitter.event().name("inbox").data(data));
            } catch (IOException | IllegalStateException e) {
                space.remove(emitter);
                log.debug("An inbox page stopped listening: {}", e.toString());
            }
        }
    }

    /** Ends every listener before the web server's graceful shutdown waits for open requests. */
    @EventListener(ContextClosedEvent.class)
    public void close() {
        listeners.values().forEach(space -> {
            space.forEach(SseEmitter::complete);
            space.clear();
        });
        sender.shutdown();
    }
}
