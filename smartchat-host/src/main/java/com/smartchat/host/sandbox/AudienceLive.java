package com.smartchat.host.sandbox;

import com.smartchat.host.web.LiveStreamProperties;
import com.smartchat.host.web.LiveStreams;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live audience chats: an open chat page listens with server-sent events, and every change of its chat (the bot
 * replied, edited or deleted a message; the member wrote from another tab) tells it to fetch the chat again. Events
 * carry no content.
 */
public class AudienceLive {

    private final LiveStreams<SandboxTelegram.ChatKey> streams;
    private final Runnable unsubscribe;

    AudienceLive(SandboxTelegram telegram, LiveStreamProperties settings, MeterRegistry meters) {
        this.streams = new LiveStreams<>("sandbox", settings, meters);
        // the emulator's request thread does not wait for browsers: publish sends from a thread of its own
        this.unsubscribe = telegram.onChange(chat -> streams.publish(chat, () -> SseEmitter.event().name("chat").data("")));
    }

    /**
     * A new listener to one chat.
     *
     * @throws org.springframework.web.server.ResponseStatusException 429 when the user follows too many chats
     */
    public SseEmitter listen(String user, SandboxTelegram.ChatKey chat) {
        return streams.open(user, chat);
    }

    /** Ends every listener before the web server's graceful shutdown waits for open requests. */
    @EventListener(ContextClosedEvent.class)
    public void close() {
        unsubscribe.run();
        streams.close();
    }
}
