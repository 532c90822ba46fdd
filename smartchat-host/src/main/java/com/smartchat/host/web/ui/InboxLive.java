package com.smartchat.host.web.ui;

import com.smartchat.host.channels.ChannelRecord;
import com.smartchat.host.channels.ChannelRepository;
import com.smartchat.host.conversations.ConversationChanged;
import com.smartchat.host.web.LiveStreamProperties;
import com.smartchat.host.web.LiveStreams;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live inbox updates: every open inbox page listens with server-sent events to its Space, and each stored inbound
 * event or queued reply ({@link ConversationChanged}) tells the pages of that Space which conversation changed. The pages
 * then fetch what changed, through the same access checks as any page. Events never carry message content.
 */
@Component
public class InboxLive {

    private final ChannelRepository channels;
    private final LiveStreams<UUID> streams;

    public InboxLive(ChannelRepository channels, LiveStreamProperties settings, MeterRegistry meters) {
        this.channels = channels;
        this.streams = new LiveStreams<>("inbox", settings, meters);
    }

    /**
     * A new listener to a Space's inbox.
     *
     * @throws org.springframework.web.server.ResponseStatusException 429 when the user follows too many pages
     */
    public SseEmitter listen(String user, UUID spaceId) {
        return streams.open(user, spaceId);
    }

    @EventListener
    public void onConversationChanged(ConversationChanged change) {
        if (!streams.anyOpen()) {
            return; // no page listens: no need to look up the channel's Space, once per stored message
        }
        channels.find(change.channelId()).map(ChannelRecord::spaceId).ifPresent(spaceId -> {
            String data = change.conversationId() == null ? "" : change.conversationId().toString();
            streams.publish(spaceId, () -> SseEmitter.event().name("inbox").data(data));
        });
    }

    /** Ends every listener before the web server's graceful shutdown waits for open requests. */
    @EventListener(ContextClosedEvent.class)
    public void close() {
        streams.close();
    }
}
