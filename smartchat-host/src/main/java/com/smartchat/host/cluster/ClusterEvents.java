package com.smartchat.host.cluster;

import com.smartchat.host.channels.ChannelForgotten;
import com.smartchat.host.channels.ChannelPurged;
import com.smartchat.host.conversations.ConversationChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Tells the other hosts what changed here, so that their pages and caches follow: conversations that changed (an
 * inbox page open on any host updates), gathered over a fifth of a second into few signals, and purged channels
 * (their cached members and conversations are forgotten everywhere).
 */
@Component
@ConditionalOnProperty(prefix = "smartchat.cluster", name = "enabled", havingValue = "true")
class ClusterEvents implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterEvents.class);
    private static final Duration GATHER = Duration.ofMillis(200);
    /** Under PostgreSQL's 8,000 bytes per signal, with room for the kind and the host id. */
    private static final int MAX_SIGNAL = 7_500;

    private final ClusterSignals signals;
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private Thread sender;

    ClusterEvents(ClusterSignals signals, ApplicationEventPublisher events) {
        this.signals = signals;
        signals.on("conversations", words -> words.forEach(word -> {
            String[] ids = word.split(":");
            events.publishEvent(new ConversationChanged(UUID.fromString(ids[0]),
                    ids[1].equals("-") ? null : UUID.fromString(ids[1]), true));
        }));
        signals.on("forget", words -> events.publishEvent(new ChannelForgotten(UUID.fromString(words.get(0)))));
    }

    @EventListener
    void onConversationChanged(ConversationChanged change) {
        if (!change.elsewhere()) {
            changed.add(change.channelId() + ":" + (change.conversationId() == null ? "-" : change.conversationId()));
        }
    }

    /** In the purge's transaction: the others hear of it only if it commits. */
    @EventListener
    void onChannelPurged(ChannelPurged purged) {
        signals.send("forget", purged.channelId());
    }

    private void sendChanges() {
        while (running) {
            try {
                Thread.sleep(GATHER);
            } catch (InterruptedException e) {
                return;
            }
            List<String> words = new ArrayList<>();
            int length = 0;
            for (String word : List.copyOf(changed)) {
                changed.remove(word);
                if (length + word.length() + 1 > MAX_SIGNAL) {
                    send(words);
                    words = new ArrayList<>();
                    length = 0;
                }
                words.add(word);
                length += word.length() + 1;
            }
            send(words);
        }
    }

    private void send(List<String> words) {
        if (!words.isEmpty()) {
            try {
                signals.send("conversations", words.toArray());
            } catch (DataAccessException e) {
                log.debug("Could not tell the other hosts of {} changed conversations", words.size(), e);
            }
        }
    }

    @Override
    public void start() {
        running = true;
        sender = Thread.ofVirtual().name("cluster-events").start(this::sendChanges);
    }

    @Override
    public void stop() {
        running = false;
        sender.interrupt();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
