package com.smartchat.host.conversations;

import com.smartchat.channel.spi.Attachment;
import com.smartchat.channel.spi.AudienceMember;
import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.host.channels.ChannelForgotten;
import com.smartchat.host.channels.ChannelPurged;
import com.smartchat.host.channels.ChannelRepository;
import com.smartchat.host.channels.InboundEventStore;
import com.smartchat.host.outbound.OutboundQueue;
import com.smartchat.host.storage.GroupCommit;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.annotation.PreDestroy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores what channels receive. For each event: drop it when its id was stored before, upsert the audience member and
 * the conversation, store the message, and on a member's first contact queue the channel's greeting. Events received
 * together (a poll's answer) are one transaction, and so are events delivered one by one at the same time (webhooks,
 * through a {@link GroupCommit}). Only after the commit does {@link #store} return, and so may the channel confirm.
 */
@Component
public class IncomingEvents implements InboundEventStore {

    private static final Logger log = LoggerFactory.getLogger(IncomingEvents.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ObservationRegistry observations;
    private final ApplicationEventPublisher events;
    /** Members already greeted, as stored: their events need no upsert. Filled after commits only. */
    private final Cache<String, KnownMember> greetedMembers;
    /** Conversation ids by channel and network id. Filled after commits only. */
    private final Cache<String, UUID> conversations;
    private final GroupCommit<Received> groupCommit;
    private final ChannelRepository channels;
    private final OutboundQueue outbound;

    public IncomingEvents(JdbcClient jdbc, TransactionTemplate transactions, JsonMapper json, Clock clock,
                          MeterRegistry meters, ObservationRegistry observations, ApplicationEventPublisher events,
                          ChannelRepository channels, OutboundQueue outbound) {
        this.observations = observations;
        this.channels = channels;
        this.outbound = outbound;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
        this.events = events;
        this.greetedMembers = Caffeine.newBuilder().maximumSize(100_000).recordStats().build();
        this.conversations = Caffeine.newBuilder().maximumSize(100_000).recordStats().build();
        CaffeineCacheMetrics.monitor(meters, greetedMembers, "inbox.members");
        CaffeineCacheMetrics.monitor(meters, conversations, "inbox.conversations");
        this.groupCommit = new GroupCommit<>("inbound events", 256, this::storeTogether);
    }

    /** Stores the event in a commit shared with the events other channels deliver at the same time. */
    @Override
    public void store(UUID channelId, InboundEvent event) throws DeliveryException {
        try {
            groupCommit.commit(new Received(channelId, event));
        } catch (GroupCommit.Failed failed) {
            throw failed.getCause() instanceof DeliveryException refused ? refused
                    : new DeliveryException("The host could not store event " + event.eventId() + ": "
                    + failed.getMessage(), failed);
        }
    }

    /** An event of a channel, to be stored. */
    private record Received(UUID channelId, InboundEvent event) {
    }

    @Override
    public void store(UUID channelId, List<? extends InboundEvent> events) throws DeliveryException {
        storeTogether(events.stream().map(event -> new Received(channelId, event)).toList());
    }

    /** Stores the events in one transaction, or none of them. */
    private void storeTogether(List<Received> batch) throws DeliveryException {
        List<ConversationChanged> changes;
        // a span when tracing is exported (README, "Several hosts"), with the channels and the network's event ids
        Observation observation = Observation.createNotStarted("smartchat.inbound.store", observations)
                .contextualName("store " + batch.size() + (batch.size() == 1 ? " event" : " events"))
                .highCardinalityKeyValue("smartchat.channel.id", batch.stream()
                        .map(received -> received.channelId().toString()).distinct().collect(Collectors.joining(",")))
                .highCardinalityKeyValue("smartchat.event.id", batch.stream()
                        .map(received -> received.event().eventId()).collect(Collectors.joining(",")));
        try {
            changes = observation.observe(() -> transactions.execute(status -> batch.stream()
                    .map(received -> storeOnce(received.channelId(), received.event()))
                    .toList()));
        } catch (DataAccessException | TransactionException e) {
            meters.counter("smartchat.inbound", "outcome", "failed").increment(batch.size());
            throw new DeliveryException("The host could not store " + describe(batch) + ": "
                    + e.getMostSpecificCause().getMessage(), e);
        } catch (IllegalArgumentException e) {
            meters.counter("smartchat.inbound", "outcome", "failed").increment(batch.size());
            throw new DeliveryException("The host cannot store " + describe(batch) + ": " + e.getMessage(), e);
        }
        long duplicates = changes.stream().filter(Objects::isNull).count();
        meters.counter("smartchat.inbound", "outcome", "duplicate").increment(duplicates);
        meters.counter("smartchat.inbound", "outcome", "stored").increment(changes.size() - duplicates);
        changes.stream().filter(change -> change != null && change != NOTHING_TO_SHOW).distinct()
                .forEach(events::publishEvent);
    }

    private static String describe(List<Received> events) {
        return events.size() == 1 ? "event " + events.getFirst().event().eventId()
                : events.size() + " events (" + events.getFirst().event().eventId() + " to "
                + events.getLast().event().eventId() + ")";
    }

    /** Refuses what is still waiting for a commit, so that no channel confirms it. */
    @PreDestroy
    void close() throws InterruptedException {
        groupCommit.close();
    }

    /** Deletes a purged channel's conversations, members and received events, in the purge's transaction. */
    @EventListener
    void onChannelPurged(ChannelPurged purged) {
        for (String delete : List.of(
                "delete from message where conversation_id in (select id from conversation where channel_id = :id)",
                "delete from conversation where channel_id = :id",
                "delete from audience_member where channel_id = :id",
                "delete from inbound_event where channel_id = :id")) {
            jdbc.sql(delete).param("id", purged.channelId()).update();
        }
        forgetCached();
    }

    /** Another host purged a channel: its members and conversations may be new ones next time. */
    @EventListener
    void onChannelForgotten(ChannelForgotten forgotten) {
        forgetCached();
    }

    private void forgetCached() {
        greetedMembers.invalidateAll(); // keyed by channel and member: cheaper to drop than to scan
        conversations.invalidateAll();
    }

    @Override
    public void setAside(UUID channelId, String eventId, String type, String payload, String reason)
            throws DeliveryException {
        String key = eventId != null ? eventId : "sha256:" + sha256(payload);
        int fresh;
        try {
            fresh = jdbc.sql("""
                    insert into set_aside_event (id, channel_id, dedup_key, event_id, event_type, payload, reason,
                        set_aside_at)
                    values (:id, :channel, :key, :event, :type, :payload, :reason, :now)
                    on conflict do nothing""")
                    .param("id", UUID.randomUUID()).param("channel", channelId).param("key", clip(key, 100))
                    .param("event", eventId == null ? null : clip(eventId, 100)).param("type", clip(type, 100))
                    .param("payload", clean(payload)).param("reason", clip(clean(reason), 2000))
                    .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                    .update();
        } catch (DataAccessException e) {
            throw new DeliveryException("The host could not set event " + eventId + " aside: "
                    + e.getMostSpecificCause().getMessage(), e);
        }
        if (fresh == 1) {
            meters.counter("smartchat.inbound", "outcome", "set-aside").increment();
            log.warn("Channel {} set {} {} aside, so that it moves on (see /api/set-aside): {}", channelId, type,
                    eventId == null ? "without id" : eventId, reason);
        }
    }

    /** What {@link #storeOnce} returns for an event stored with no conversation to show it in. */
    private static final ConversationChanged NOTHING_TO_SHOW = new ConversationChanged(null, null);

    /** Stores the event; {@code null} when it was stored before. */
    private ConversationChanged storeOnce(UUID channelId, InboundEvent event) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        // an event without a conversation (only an unrecognized one) has nowhere else to go: it stays raw here
        InboundEvent.Unrecognized chatless = event.conversation() == null
                && event instanceof InboundEvent.Unrecognized other ? other : null;
        if (event.conversation() == null && chatless == null) {
            throw new IllegalArgumentException("A " + event.getClass().getSimpleName() + " needs a conversation");
        }
        int fresh = jdbc.sql("""
                insert into inbound_event (channel_id, event_id, received_at, event_type, payload)
                values (:channel, :event, :now, :type, :payload)
                on conflict do nothing""")
                .param("channel", channelId).param("event", event.eventId()).param("now", now)
                .param("type", chatless == null ? null : clip(chatless.type(), 100))
                .param("payload", chatless == null ? null : clean(chatless.payload()))
                .update();
        if (fresh == 0) {
            return null;
        }
        if (chatless != null) {
            return NOTHING_TO_SHOW;
        }
        // a member's first contact in a private conversation is greeted (unless it is the member blocking the bot)
        boolean greetsFirstContact = !(event instanceof InboundEvent.ConversationMoved)
                && event.conversation().kind() == Conversation.Kind.PRIVATE
                && !(event instanceof InboundEvent.MemberBlocked);
        Member member = event.member() == null ? null
                : upsertMember(channelId, event.member(), now, greetsFirstContact);
        if (event instanceof InboundEvent.ConversationMoved moved) {
            return new ConversationChanged(channelId, move(channelId, moved, member, now));
        }
        StoredConversation stored = upsertConversation(channelId, event.conversation(), member, now);
        UUID conversationId = stored.id();
        switch (event) {
            case InboundEvent.MessageReceived received -> insertIn(conversationId, member, "MESSAGE",
                    received.messageId(), received.text(), received.attachments(), now);
            case InboundEvent.MessageEdited edited -> insertIn(conversationId, member, "EDIT",
                    edited.messageId(), edited.text(), edited.attachments(), now);
            case InboundEvent.ButtonPressed pressed -> insertIn(conversationId, member, "BUTTON",
                    pressed.messageId(), pressed.data(), List.of(), now);
            case InboundEvent.MemberBlocked blocked -> {
                setBlocked(member, true);
                insertIn(conversationId, member, "BLOCKED", null, null, List.of(), now);
            }
            case InboundEvent.MemberUnblocked unblocked -> {
                setBlocked(member, false);
                insertIn(conversationId, member, "UNBLOCKED", null, null, List.of(), now);
            }
            case InboundEvent.Unrecognized other -> insertIn(conversationId, member, "OTHER", null,
                    other.type() + ": " + other.payload(), List.of(), now);
            case InboundEvent.ConversationMoved moved -> throw new IllegalStateException("handled above");
        }
        if (member != null && member.firstContact() && greetsFirstContact) {
            greet(channelId, stored, event.conversation().externalId(), member, now);
        }
        return new ConversationChanged(channelId, conversationId);
    }

    /**
     * A stored audience member, and whether this event is their first contact.
     *
     * @param storedGreeted whether the row already says greeted (a new member about to be greeted)
     */
    private record Member(UUID id, boolean firstContact, boolean storedGreeted) {
        Member(UUID id, boolean firstContact) {
            this(id, firstContact, false);
        }
    }

    /** @param greetNew whether a new member is greeted in this transaction: their row says so from the start */
    private Member upsertMember(UUID channelId, AudienceMember member, OffsetDateTime now, boolean greetNew) {
        String key = channelId + "/" + member.externalId();
        KnownMember known = greetedMembers.getIfPresent(key);
        if (known != null && known.member().equals(member)) {
            return new Member(known.id(), false);
        }
        UUID newId = UUID.randomUUID();
        int inserted = jdbc.sql("""
                insert into audience_member (id, channel_id, external_id, display_name, username, language,
                    first_contact_at, greeted, blocked)
                values (:id, :channel, :external, :name, :username, :language, :now, :greeted, false)
                on conflict do nothing""")
                .param("id", newId).param("channel", channelId).param("external", member.externalId())
                .param("name", clean(member.displayName())).param("username", clean(member.username()))
                .param("language", member.languageCode()).param("now", now).param("greeted", greetNew)
                .update();
        if (inserted == 1) {
            // a first contact: the row holds exactly what was just written, nothing to read back
            if (greetNew) {
                afterCommit(() -> greetedMembers.put(key, new KnownMember(newId, member)));
            }
            return new Member(newId, true, greetNew);
        }
        jdbc.sql("""
                update audience_member set display_name = :name, username = :username,
                    language = coalesce(:language, language)
                where channel_id = :channel and external_id = :external""")
                .param("name", clean(member.displayName())).param("username", clean(member.username()))
                .param("language", member.languageCode())
                .param("channel", channelId).param("external", member.externalId())
                .update();
        Map<String, Object> row = jdbc.sql("""
                select id, greeted from audience_member where channel_id = :channel and external_id = :external""")
                .param("channel", channelId).param("external", member.externalId())
                .query().singleRow();
        UUID id = (UUID) row.get("id");
        if ((Boolean) row.get("greeted")) {
            afterCommit(() -> greetedMembers.put(key, new KnownMember(id, member)));
        }
        return new Member(id, !(Boolean) row.get("greeted"));
    }

    /** A greeted member's id and the facts stored about them. */
    private record KnownMember(UUID id, AudienceMember member) {
    }

    /** A conversation's id, and whether this transaction created it (then nothing of it waits to be sent). */
    private record StoredConversation(UUID id, boolean created) {
    }

    private StoredConversation upsertConversation(UUID channelId, Conversation conversation, Member member,
                                                  OffsetDateTime now) {
        String key = channelId + "/" + conversation.externalId();
        UUID known = conversations.getIfPresent(key);
        if (known != null) {
            int updated = jdbc.sql("update conversation set last_message_at = :now, unread = unread + 1, title = coalesce(:title, title) where id = :id")
                    .param("now", now).param("title", clean(conversation.title())).param("id", known)
                    .update();
            if (updated == 1) {
                return new StoredConversation(known, false);
            }
            // gone since it was cached: merged into another by a move that another host stored, or purged
            conversations.invalidate(key);
        }
        UUID moved = jdbc.sql("select id from conversation where channel_id = :channel and former_external_id = :external")
                .param("channel", channelId).param("external", conversation.externalId())
                .query(UUID.class).optional().orElse(null);
        if (moved != null) {
            // sent under the id the conversation had before it moved: it belongs to the conversation as it is now
            jdbc.sql("update conversation set last_message_at = :now, unread = unread + 1 where id = :id")
                    .param("now", now).param("id", moved).update();
            afterCommit(() -> conversations.put(key, moved));
            return new StoredConversation(moved, false);
        }
        UUID memberId = conversation.kind() == Conversation.Kind.PRIVATE && member != null ? member.id() : null;
        UUID newId = UUID.randomUUID();
        int inserted = jdbc.sql("""
                insert into conversation (id, channel_id, space_id, external_id, kind, title, member_id, last_message_at,
                    unread)
                values (:id, :channel, (select space_id from channel where id = :channel), :external, :kind, :title,
                    :member, :now, 1)
                on conflict do nothing""")
                .param("id", newId).param("channel", channelId)
                .param("external", conversation.externalId()).param("kind", conversation.kind().name())
                .param("title", clean(conversation.title())).param("member", memberId).param("now", now)
                .update();
        if (inserted == 1) {
            afterCommit(() -> conversations.put(key, newId)); // new: already unread once, at this message's time
            return new StoredConversation(newId, true);
        }
        jdbc.sql("""
                update conversation set last_message_at = :now, unread = unread + 1, title = coalesce(:title, title)
                where channel_id = :channel and external_id = :external""")
                .param("now", now).param("title", clean(conversation.title()))
                .param("channel", channelId).param("external", conversation.externalId())
                .update();
        UUID id = jdbc.sql("select id from conversation where channel_id = :channel and external_id = :external")
                .param("channel", channelId).param("external", conversation.externalId())
                .query(UUID.class).single();
        afterCommit(() -> conversations.put(key, id));
        return new StoredConversation(id, false);
    }

    /**
     * A conversation got a new id: keep one conversation under the new id, with all the history of both, and say so
     * in its transcript. The network may report one move twice (Telegram: once in the old group, once in the new
     * supergroup); the second finds nothing left to move and adds nothing.
     */
    private UUID move(UUID channelId, InboundEvent.ConversationMoved moved, Member member, OffsetDateTime now) {
        String oldId = moved.conversation().externalId();
        String newId = moved.newConversationId();
        UUID from = conversationId(channelId, oldId);
        UUID to = conversationId(channelId, newId);
        conversations.invalidate(channelId + "/" + oldId);
        afterCommit(() -> conversations.invalidate(channelId + "/" + oldId));
        UUID kept;
        if (from != null && to != null) {
            jdbc.sql("update message set conversation_id = :to where conversation_id = :from")
                    .param("to", to).param("from", from).update();
            jdbc.sql("delete from conversation where id = :from").param("from", from).update();
            kept = to;
        } else if (from != null) {
            jdbc.sql("update conversation set external_id = :newId, kind = 'GROUP', last_message_at = :now where id = :from")
                    .param("newId", newId).param("now", now).param("from", from).update();
            kept = from;
        } else if (to == null) {
            // a move of a conversation never seen: it starts under its new id
            kept = upsertConversation(channelId, new Conversation(newId, moved.conversation().kind(),
                    moved.conversation().title()), member, now).id();
        } else {
            return to; // moved before
        }
        jdbc.sql("update conversation set former_external_id = :oldId where id = :id")
                .param("oldId", oldId).param("id", kept).update();
        insertIn(kept, member, "MOVED", null, "Moved from " + oldId + " to " + newId, List.of(), now);
        return kept;
    }

    private UUID conversationId(UUID channelId, String externalId) {
        return jdbc.sql("select id from conversation where channel_id = :channel and external_id = :external")
                .param("channel", channelId).param("external", externalId)
                .query(UUID.class).optional().orElse(null);
    }

    private void insertIn(UUID conversationId, Member member, String kind, String providerMessageId, String text,
                          List<Attachment> attachments, OffsetDateTime now) {
        jdbc.sql("""
                insert into message (id, conversation_id, direction, kind, member_id, provider_message_id, text,
                    attachments, status, created_at)
                values (:id, :conversation, 'IN', :kind, :member, :providerId, :text, :attachments, 'RECEIVED', :now)""")
                .param("id", UUID.randomUUID()).param("conversation", conversationId).param("kind", kind)
                .param("member", member == null ? null : member.id()).param("providerId", providerMessageId)
                .param("text", clean(text))
                .param("attachments", attachments.isEmpty() ? null : json.writeValueAsString(attachments))
                .param("now", now)
                .update();
    }

    /** The text without NUL characters, which PostgreSQL cannot store in text (shown as U+FFFD instead). */
    private static String clean(String text) {
        return text == null || text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }

    private static String clip(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }

    /** Runs once the current transaction committed: caches never hold what was rolled back. */
    private static void afterCommit(Runnable action) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    private void setBlocked(Member member, boolean blocked) {
        if (member != null) {
            jdbc.sql("update audience_member set blocked = :blocked where id = :id")
                    .param("blocked", blocked).param("id", member.id()).update();
        }
    }

    /** Queues the channel's greeting, if it has one, and marks the member greeted in the same transaction. */
    private void greet(UUID channelId, StoredConversation conversation, String externalId, Member member,
                       OffsetDateTime now) {
        if (!member.storedGreeted()) {
            jdbc.sql("update audience_member set greeted = true where id = :id").param("id", member.id()).update();
        }
        String text = channels.greeting(channelId).orElse(null);
        if (text != null) {
            UUID messageId = UUID.randomUUID();
            jdbc.sql("""
                    insert into message (id, conversation_id, direction, kind, text, status, created_at, author)
                    values (:id, :conversation, 'OUT', 'GREETING', :text, 'QUEUED', :now, 'greeting')""")
                    .param("id", messageId).param("conversation", conversation.id()).param("text", text)
                    .param("now", now)
                    .update();
            outbound.enqueue(new OutboundQueue.Pending(messageId, channelId, conversation.id(), externalId, false,
                    member.id(), "GREETING", text, 0, now, false, false), conversation.created());
        }
    }
}
