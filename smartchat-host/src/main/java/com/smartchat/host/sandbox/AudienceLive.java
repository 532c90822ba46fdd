package com.smartchat.host.sandbox;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live audience chats: an open chat page listens with server-sent events, and every change of its chat (the bot
 * replied, edited or deleted a message; the member wrote from another tab) tells it to fetch the chat again. Events
 * carry no content.
 */
public class AudienceLive {

    private static final Duration TIMEOUT = Duration.ofMinutes(20);

    private final Map<SandboxTelegram.ChatKey, Set<SseEmitter>> listeners = new ConcurrentHashMap<>();
    private final ExecutorService sender = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("sandbox-live-", 0).factory());
    private final Runnable unsubscribe;

    AudienceLive(SandboxTelegram telegram) {
        this.unsubscribe = telegram.onChange(this::changed);
    }

    /** A new listener to one chat. */
    public SseEmitter listen(SandboxTelegram.ChatKey chat) {
        SseEmitter emitter = new SseEmitter(TIMEOUT.toMillis());
        Set<SseEmitter> those = listeners.computeIfAbsent(chat, key -> ConcurrentHashMap.newKeySet());
        those.add(emitter);
        Runnable forget = () -> those.remove(emitter);
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

    private void changed(SandboxTelegram.ChatKey chat) {
        Set<SseEmitter> those = listeners.get(chat);
        if (those == null || those.isEmpty() || sender.isShutdown()) {
            return;
        }
        try {
            // Off the emulator's request thread: the bot's sendMessage must not wait for browsers.
            sender.execute(() -> {
                for (SseEmitter emitter : those) {
                    try {
                        emitter.send(SseEmitter.event().name("chat").data(""));
                    } catch (IOException | IllegalStateException e) {
                        those.remove(emitter);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** Ends every listener before the web server's graceful shutdown waits for open requests. */
    @EventListener(ContextClosedEvent.class)
    public void close() {
        unsubscribe.run();
        listeners.values().forEach(those -> {
            those.forEach(SseEmitter::complete);
            those.clear();
        });
        sender.shutdown();
    }
}
