package com.smartchat.host.inbox;

import com.smartchat.channel.spi.Attachment;
import com.smartchat.channel.spi.AudienceMember;
import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.host.channels.InboundEventStore;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores what channels receive. Each event is one transaction: drop it when its id was stored before, upsert the
 * audience member and the conversation, store the message, and on a member's first contact queue the channel's
 * greeting. Only after the commit does {@link #store} return, and so may the channel confirm the event.
 */
@Component
public class InboxStore implements InboundEventStore {

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ApplicationEventPublisher events;
    /** Members already greeted, as stored: their events need no upsert. Filled after commits only. */
    private final Cache<String, KnownMember> greetedMembers;
    /** Conversation ids by channel and network id. Filled after commits only. */
    private final Cache<String, UUID> conversations;

    public InboxStore(JdbcClient jdbc, TransactionTemplate transactions, JsonMapper json, Clock clock,
                      MeterRegistry meters, ApplicationEventPublisher events) {
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
    }

    @Override
    public void store(UUID channelId, InboundEvent event) throws DeliveryException {
        InboxChanged change;
        try {
            change = transactions.execute(status -> storeOnce(channelId, event));
        } catch (DataAccessException | TransactionException e) {
            meters.counter("smartchat.inbound", "outcome", "failed").increment();
            throw new DeliveryException("The host could not store event " + event.eventId() + ": "
                    + e.getMostSpecificCause().getMessage(), e);
        }
        meters.counter("smartchat.inbound", "outcome", change == null ? "duplicate" : "stored").increment();
        if (change != null) {
            events.publishEvent(change);
        }
    }

    /** Stores the event; {@code null} when it was stored before. */
    private InboxChanged storeOnce(UUID channelId, InboundEvent event) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        int fresh = jdbc.sql("""
                insert into inbound_event (channel_id, event_id, received_at) values (:channel, :event, :now)
                on conflict do nothing""")
                .param("channel", channelId).param("event", event.eventId()).param("now", now)
                .update();
        if (fresh == 0) {
            return null;
        }
        // a member's first contact in a private conversation is greeted (unless it is the member blocking the bot)
        boolean greetsFirstContact = !(event instanceof InboundEvent.ConversationMoved)
                && event.conversation().kind() == Conversation.Kind.PRIVATE
                && !(event instanceof InboundEvent.MemberBlocked);
        Member member = event.member() == null ? null
                : upsertMember(channelId, event.member(), now, greetsFirstContact);
        if (event instanceof InboundEvent.ConversationMoved moved) {
            return new InboxChanged(channelId, move(channelId, moved.conversation().externalId(),
                    moved.newConversationId(), now));
        }
        UUID conversationId = upsertConversation(channelId, event.conversation(), member, now);
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
            greet(channelId, conversationId, member, now);
        }
        return new InboxChanged(channelId, conversationId);
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
                .param("name", member.displayName()).param("username", member.username())
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
                .param("name", member.displayName()).param("username", member.username())
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

    private UUID upsertConversation(UUID channelId, Conversation conversation, Member member, OffsetDateTime now) {
        String key = channelId + "/" + conversation.externalId();
        UUID known = conversations.getIfPresent(key);
        if (known != null) {
            jdbc.sql("update conversation set last_message_at = :now, unread = unread + 1, title = coalesce(:title, title) where id = :id")
                    .param("now", now).param("title", conversation.title()).param("id", known)
                    .update();
            return known;
        }
        UUID memberId = conversation.kind() == Conversation.Kind.PRIVATE && member != null ? member.id() : null;
        UUID newId = UUID.randomUUID();
        int inserted = jdbc.sql("""
                insert into conversation (id, channel_id, external_id, kind, title, member_id, last_message_at, unread)
                values (:id, :channel, :external, :kind, :title, :member, :now, 1)
                on conflict do nothing""")
                .param("id", newId).param("channel", channelId)
                .param("external", conversation.externalId()).param("kind", conversation.kind().name())
                .param("title", conversation.title()).param("member", memberId).param("now", now)
                .update();
        if (inserted == 1) {
            afterCommit(() -> conversations.put(key, newId)); // new: already unread once, at this message's time
            return newId;
        }
        jdbc.sql("""
                update conversation set last_message_at = :now, unread = unread + 1, title = coalesce(:title, title)
                where channel_id = :channel and external_id = :external""")
                .param("now", now).param("title", conversation.title())
                .param("channel", channelId).param("external", conversation.externalId())
                .update();
        UUID id = jdbc.sql("select id from conversation where channel_id = :channel and external_id = :external")
                .param("channel", channelId).param("external", conversation.externalId())
                .query(UUID.class).single();
        afterCommit(() -> conversations.put(key, id));
        return id;
    }

    /** A conversation got a new id: keep one conversation under the new id, with all the history of both. */
    private UUID move(UUID channelId, String oldId, String newId, OffsetDateTime now) {
        UUID from = conversationId(channelId, oldId);
        UUID to = conversationId(channelId, newId);
        conversations.invalidate(channelId + "/" + oldId);
        afterCommit(() -> conversations.invalidate(channelId + "/" + oldId));
        if (from != null && to != null) {
            jdbc.sql("update message set conversation_id = :to where conversation_id = :from")
                    .param("to", to).param("from", from).update();
            jdbc.sql("delete from conversation where id = :from").param("from", from).update();
            return to;
        }
        if (from != null) {
            jdbc.sql("update conversation set external_id = :newId, kind = 'GROUP', last_message_at = :now where id = :from")
                    .param("newId", newId).param("now", now).param("from", from).update();
            return from;
        }
        return to;
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
                .param("text", text)
                .param("attachments", attachments.isEmpty() ? null : json.writeValueAsString(attachments))
                .param("now", now)
                .update();
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
    private void greet(UUID channelId, UUID conversationId, Member member, OffsetDateTime now) {
        String settings = jdbc.sql("select settings from channel where id = :id").param("id", channelId)
                .query(String.class).single();
        JsonNode greeting = json.readTree(settings).get(FormSchema.GREETING);
        if (!member.storedGreeted()) {
            jdbc.sql("update audience_member set greeted = true where id = :id").param("id", member.id()).update();
        }
        if (greeting != null && greeting.isString() && !greeting.asString().isBlank()) {
            String text = greeting.asString();
            UUID messageId = UUID.randomUUID();
            jdbc.sql("""
                    insert into message (id, conversation_id, direction, kind, text, status, created_at, author)
                    values (:id, :conversation, 'OUT', 'GREETING', :text, 'QUEUED', :now, 'greeting')""")
                    .param("id", messageId).param("conversation", conversationId).param("text", text)
                    .param("now", now)
                    .update();
            jdbc.sql("""
                    insert into outbound (message_id, channel_id, due_at, attempts) values (:id, :channel, :now, 0)""")
                    .param("id", messageId).param("channel", channelId).param("now", now)
                    .update();
        }
    }
}
