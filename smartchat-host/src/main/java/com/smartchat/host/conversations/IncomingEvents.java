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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
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
 * together (a poll's answer) are stored together, all or none; what channels deliver at the same time (webhooks one
 * by one, polls of many bots) shares one transaction through a {@link GroupCommit}. Within it, each kind of row is
 * written for all the events with one statement (a JDBC batch). Only after the commit does {@link #store} return, and
 * so may the channel confirm.
 */
@Component
public class IncomingEvents implements InboundEventStore {

    private static final Logger log = LoggerFactory.getLogger(IncomingEvents.class);

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batches;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ObservationRegistry observations;
    private final ApplicationEventPublisher events;
    /** Members already greeted, as stored: their events need no upsert. Filled after commits only. */
    private final Cache<Key, KnownMember> greetedMembers;
    /** Conversation ids by channel and network id. Filled after commits only. */
    private final Cache<Key, UUID> conversations;
    private final GroupCommit<Received> groupCommit;
    private final ChannelRepository channels;
    private final OutboundQueue outbound;

    public IncomingEvents(JdbcClient jdbc, NamedParameterJdbcTemplate batches, TransactionTemplate transactions,
                          JsonMapper json, Clock clock, MeterRegistry meters, ObservationRegistry observations,
                          ApplicationEventPublisher events, ChannelRepository channels, OutboundQueue outbound) {
        this.observations = observations;
        this.channels = channels;
        this.outbound = outbound;
        this.jdbc = jdbc;
        this.batches = batches;
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
        store(channelId, List.of(event));
    }

    /** An event of a channel, to be stored. */
    private record Received(UUID channelId, InboundEvent event) {
    }

    /** Stores the events, all or none, in a commit shared with what other channels deliver at the same time. */
    @Override
    public void store(UUID channelId, List<? extends InboundEvent> events) throws DeliveryException {
        List<Received> received = events.stream().map(event -> new Received(channelId, event)).toList();
        try {
            groupCommit.commitAll(received);
        } catch (GroupCommit.Failed failed) {
            throw failed.getCause() instanceof DeliveryException refused ? refused
                    : new DeliveryException("The host could not store " + describe(received) + ": "
                    + failed.getMessage(), failed);
        }
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
            changes = observation.observe(() -> transactions.execute(status -> storeAll(batch)));
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

    /** What {@link #storeAll} gives an event stored with no conversation to show it in. */
    private static final ConversationChanged NOTHING_TO_SHOW = new ConversationChanged(null, null);

    /** A channel's audience member or conversation, by the network's id for it. */
    private record Key(UUID channelId, String externalId) {
    }

    /** An event stored for the first time, at its place in the batch, with the time it was stored at. */
    private record Fresh(int index, UUID channelId, InboundEvent event, OffsetDateTime now) {

        Key memberKey() {
            return event.member() == null ? null : new Key(channelId, event.member().externalId());
        }

        Key conversationKey() {
            return new Key(channelId, event.conversation().externalId());
        }

        /** Whether this is an event a member's first contact is greeted at: private, and not the member blocking. */
        boolean greetsFirstContact() {
            return !(event instanceof InboundEvent.ConversationMoved)
                    && event.conversation().kind() == Conversation.Kind.PRIVATE
                    && !(event instanceof InboundEvent.MemberBlocked);
        }
    }

    /**
     * Stores the events in the current transaction, each kind of row with one statement for all the events (JDBC
     * batches) rather than a few statements per event. Returns, for each event, what changed; {@code null} where it
     * was stored before (also earlier in the same batch).
     */
    private List<ConversationChanged> storeAll(List<Received> batch) {
        for (Received received : batch) {
            InboundEvent event = received.event();
            // an event without a conversation (only an unrecognized one) has nowhere else to go: it stays raw
            if (event.conversation() == null && !(event instanceof InboundEvent.Unrecognized)) {
                throw new IllegalArgumentException("A " + event.getClass().getSimpleName() + " needs a conversation");
            }
        }
        ConversationChanged[] changes = new ConversationChanged[batch.size()];
        // a move decides which conversation later events under its old id belong to: the events between moves are
        // stored together, each move on its own
        int start = 0;
        for (int end = 0; end <= batch.size(); end++) {
            if (end == batch.size() || batch.get(end).event() instanceof InboundEvent.ConversationMoved) {
                storeRun(firstTimes(batch, start, end), changes);
                if (end < batch.size()) {
                    for (Fresh move : firstTimes(batch, end, end + 1)) {
                        Member member = members(List.of(move)).get(move.memberKey());
                        changes[end] = new ConversationChanged(move.channelId(), move(move.channelId(),
                                (InboundEvent.ConversationMoved) move.event(), member, move.now()));
                    }
                }
                start = end + 1;
            }
        }
        return Arrays.asList(changes);
    }

    /**
     * Records the ids of the events from {@code start} to {@code end} (exclusive); returns those stored for the first
     * time. Its count per row is what deduplicates, so the statement must not be one that the PostgreSQL driver
     * rewrites into a multi-row insert with {@code reWriteBatchedInserts} (which counts no row): an insert from a
     * select, not from values. A select of parameters needs their types on H2.
     */
    private List<Fresh> firstTimes(List<Received> batch, int start, int end) {
        List<Fresh> events = new ArrayList<>();
        for (int index = start; index < end; index++) {
            Received received = batch.get(index);
            events.add(new Fresh(index, received.channelId(), received.event(),
                    OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC)));
        }
        int[] inserted = batch("""
                insert into inbound_event (channel_id, event_id, received_at, event_type, payload)
                select cast(:channel as uuid), cast(:event as varchar), cast(:now as timestamp with time zone),
                    cast(:type as varchar), cast(:payload as varchar)
                on conflict do nothing""", events, fresh -> {
            // an event without a conversation is kept here, raw: nothing else stores it
            InboundEvent.Unrecognized chatless = fresh.event().conversation() == null
                    ? (InboundEvent.Unrecognized) fresh.event() : null;
            return new MapSqlParameterSource("channel", fresh.channelId()).addValue("event", fresh.event().eventId())
                    .addValue("now", fresh.now())
                    .addValue("type", chatless == null ? null : clip(chatless.type(), 100))
                    .addValue("payload", chatless == null ? null : clean(chatless.payload()));
        });
        return IntStream.range(0, events.size()).filter(row -> wentIn(inserted[row])).mapToObj(events::get).toList();
    }

    /**
     * Inserts a row with a new id for each key, as one batch of an insert that does nothing on conflict; returns the
     * ids of the rows that went in, by key (the others were there).
     */
    private Map<Key, UUID> insertNew(String sql, List<Key> keys, BiFunction<Key, UUID, SqlParameterSource> row) {
        List<UUID> ids = keys.stream().map(key -> UUID.randomUUID()).toList();
        int[] inserted = batch(sql, IntStream.range(0, keys.size()).boxed().toList(),
                index -> row.apply(keys.get(index), ids.get(index)));
        Map<Key, UUID> added = new LinkedHashMap<>();
        for (int index = 0; index < keys.size(); index++) {
            if (wentIn(inserted[index])) {
                added.put(keys.get(index), ids.get(index));
            }
        }
        return added;
    }

    /** Whether the row of an insert that does nothing on conflict went in, by the count of its batch entry. */
    private static boolean wentIn(int count) {
        if (count != 0 && count != 1) {
            throw new InvalidDataAccessResourceUsageException("The database counted " + count + " rows for one: "
                    + "an insert that must be counted row by row was rewritten into a multi-row insert");
        }
        return count == 1;
    }

    /** Stores events that are not moves: their members, conversations, messages and greetings. */
    private void storeRun(List<Fresh> events, ConversationChanged[] changes) {
        List<Fresh> chatty = new ArrayList<>();
        for (Fresh fresh : events) {
            if (fresh.event().conversation() == null) {
                changes[fresh.index()] = NOTHING_TO_SHOW;
            } else {
                chatty.add(fresh);
            }
        }
        if (chatty.isEmpty()) {
            return;
        }
        Map<Key, Member> members = members(chatty);
        Map<Key, ConversationFacts> told = new LinkedHashMap<>();
        for (Fresh fresh : chatty) {
            Member member = members.get(fresh.memberKey());
            told.computeIfAbsent(fresh.conversationKey(), key -> new ConversationFacts(fresh.event().conversation(),
                    member)).add(fresh.event().conversation(), fresh.now());
        }
        Map<Key, StoredConversation> conversations = conversations(told);
        List<SqlParameterSource> messages = new ArrayList<>();
        List<SqlParameterSource> blocks = new ArrayList<>();
        List<OutboundQueue.Pending> greetings = new ArrayList<>();
        Set<UUID> newConversations = new HashSet<>();
        Set<Key> greeted = new HashSet<>();
        Map<UUID, Optional<String>> greetingTexts = new HashMap<>();
        for (Fresh fresh : chatty) {
            Member member = members.get(fresh.memberKey());
            StoredConversation conversation = conversations.get(fresh.conversationKey());
            OffsetDateTime now = fresh.now();
            messages.add(switch (fresh.event()) {
                case InboundEvent.MessageReceived received -> inbound(conversation.id(), member, "MESSAGE",
                        received.messageId(), received.text(), received.attachments(), now);
                case InboundEvent.MessageEdited edited -> inbound(conversation.id(), member, "EDIT",
                        edited.messageId(), edited.text(), edited.attachments(), now);
                case InboundEvent.ButtonPressed pressed -> inbound(conversation.id(), member, "BUTTON",
                        pressed.messageId(), pressed.data(), List.of(), now);
                case InboundEvent.MemberBlocked blocked -> {
                    blocks.addAll(blocked(member, true));
                    yield inbound(conversation.id(), member, "BLOCKED", null, null, List.of(), now);
                }
                case InboundEvent.MemberUnblocked unblocked -> {
                    blocks.addAll(blocked(member, false));
                    yield inbound(conversation.id(), member, "UNBLOCKED", null, null, List.of(), now);
                }
                case InboundEvent.Unrecognized other -> inbound(conversation.id(), member, "OTHER", null,
                        other.type() + ": " + other.payload(), List.of(), now);
                case InboundEvent.ConversationMoved moved -> throw new IllegalStateException("stored on its own");
            });
            // a member's first contact is greeted once: at their first event here that greets, if not greeted before
            if (member != null && !member.greeted() && fresh.greetsFirstContact() && greeted.add(fresh.memberKey())) {
                String text = greetingTexts.computeIfAbsent(fresh.channelId(), channels::greeting).orElse(null);
                if (text != null) {
                    UUID messageId = UUID.randomUUID();
                    messages.add(message(messageId, conversation.id(), "OUT", "GREETING", text, "QUEUED", now)
                            .addValue("author", "greeting"));
                    greetings.add(new OutboundQueue.Pending(messageId, fresh.channelId(), conversation.id(),
                            fresh.event().conversation().externalId(), false, member.id(), "GREETING", text, 0, now,
                            false, false));
                    if (conversation.created()) {
                        newConversations.add(conversation.id());
                    }
                }
            }
            changes[fresh.index()] = new ConversationChanged(fresh.channelId(), conversation.id());
        }
        // one batch in the events' order: a transcript is ordered by the sequence the inserts draw
        batch(INSERT_MESSAGE, messages, row -> row);
        batch("update audience_member set blocked = :blocked where id = :id", blocks, row -> row);
        if (!greetings.isEmpty()) {
            outbound.enqueue(greetings, newConversations);
        }
    }

    private List<SqlParameterSource> blocked(Member member, boolean blocked) {
        return member == null ? List.of()
                : List.of(new MapSqlParameterSource("id", member.id()).addValue("blocked", blocked));
    }

    /**
     * A stored audience member.
     *
     * @param greeted whether they were greeted before these events (a new member was not)
     */
    private record Member(UUID id, boolean greeted) {
    }

    /** What the events say about one audience member: the latest facts, and the language given last. */
    private static final class MemberFacts {
        private final OffsetDateTime firstAt;
        private AudienceMember latest;
        private String language;
        /** Whether every event gave the same facts. */
        private boolean alike = true;
        /** Whether the member is greeted at one of the events, unless greeted before. */
        private boolean greets;

        MemberFacts(OffsetDateTime firstAt) {
            this.firstAt = firstAt;
        }

        void add(AudienceMember member, boolean greetsFirstContact) {
            alike = latest == null || alike && latest.equals(member);
            latest = member;
            language = member.languageCode() != null ? member.languageCode() : language;
            greets |= greetsFirstContact;
        }
    }

    /**
     * Adds the events' members who are new and updates the others, a statement (or three, for members seen before)
     * for all of them; a greeted member cached with the facts the events give needs none. A member is marked greeted
     * in the same transaction that greets them.
     */
    private Map<Key, Member> members(List<Fresh> events) {
        Map<Key, MemberFacts> told = new LinkedHashMap<>();
        for (Fresh fresh : events) {
            if (fresh.event().member() != null) {
                told.computeIfAbsent(fresh.memberKey(), key -> new MemberFacts(fresh.now()))
                        .add(fresh.event().member(), fresh.greetsFirstContact());
            }
        }
        Map<Key, Member> members = new HashMap<>();
        List<Key> toWrite = new ArrayList<>();
        told.forEach((key, facts) -> {
            KnownMember known = greetedMembers.getIfPresent(key);
            if (known != null && facts.alike && known.member().equals(facts.latest)) {
                members.put(key, new Member(known.id(), true));
            } else {
                toWrite.add(key);
            }
        });
        // the row written with the facts as they end up, and greeted already when one of the events greets
        Map<Key, UUID> added = insertNew("""
                insert into audience_member (id, channel_id, external_id, display_name, username, language,
                    first_contact_at, greeted, blocked)
                select cast(:id as uuid), cast(:channel as uuid), cast(:external as varchar), cast(:name as varchar),
                    cast(:username as varchar), cast(:language as varchar), cast(:now as timestamp with time zone),
                    cast(:greeted as boolean), false
                on conflict do nothing""", toWrite, (key, id) -> {
            MemberFacts facts = told.get(key);
            return new MapSqlParameterSource("id", id).addValue("channel", key.channelId())
                    .addValue("external", key.externalId()).addValue("name", clean(facts.latest.displayName()))
                    .addValue("username", clean(facts.latest.username())).addValue("language", facts.language)
                    .addValue("now", facts.firstAt).addValue("greeted", facts.greets);
        });
        added.forEach((key, id) -> members.put(key, new Member(id, false)));
        List<Key> seenBefore = toWrite.stream().filter(key -> !added.containsKey(key)).toList();
        for (Map.Entry<UUID, List<String>> channel : byChannel(seenBefore).entrySet()) {
            jdbc.sql("""
                    select id, external_id, greeted from audience_member
                    where channel_id = :channel and external_id in (:externals)""")
                    .param("channel", channel.getKey()).param("externals", channel.getValue())
                    .query((rs, row) -> Map.entry(new Key(channel.getKey(), rs.getString("external_id")),
                            new Member(rs.getObject("id", UUID.class), rs.getBoolean("greeted"))))
                    .list().forEach(member -> members.put(member.getKey(), member.getValue()));
        }
        int found = (int) seenBefore.stream().filter(members::containsKey).count();
        if (found < seenBefore.size()) {
            throw new IncorrectResultSizeDataAccessException("Members neither added nor found: " + seenBefore,
                    seenBefore.size(), found);
        }
        batch("""
                update audience_member set display_name = :name, username = :username,
                    language = coalesce(:language, language), greeted = greeted or :greeted
                where id = :id""", seenBefore, key -> {
            MemberFacts facts = told.get(key);
            return new MapSqlParameterSource("id", members.get(key).id())
                    .addValue("name", clean(facts.latest.displayName()))
                    .addValue("username", clean(facts.latest.username())).addValue("language", facts.language)
                    .addValue("greeted", facts.greets);
        });
        Map<Key, KnownMember> greeted = new HashMap<>();
        for (Key key : toWrite) {
            Member member = members.get(key);
            if (member.greeted() || told.get(key).greets) {
                greeted.put(key, new KnownMember(member.id(), told.get(key).latest));
            }
        }
        if (!greeted.isEmpty()) {
            afterCommit(() -> greetedMembers.putAll(greeted));
        }
        return members;
    }

    /** A greeted member's id and the facts stored about them. */
    private record KnownMember(UUID id, AudienceMember member) {
    }

    /** A conversation's id, and whether this transaction created it (then nothing of it waits to be sent). */
    private record StoredConversation(UUID id, boolean created) {
    }

    /** What the events say about one conversation: as the first gave it, with the title given last. */
    private static final class ConversationFacts {
        private final Conversation first;
        /** The person of a private conversation, from the first event. */
        private final UUID memberId;
        private String title;
        private int events;
        private OffsetDateTime lastAt;

        ConversationFacts(Conversation first, Member member) {
            this.first = first;
            this.memberId = first.kind() == Conversation.Kind.PRIVATE && member != null ? member.id() : null;
        }

        ConversationFacts add(Conversation conversation, OffsetDateTime at) {
            title = conversation.title() != null ? conversation.title() : title;
            events++;
            lastAt = at;
            return this;
        }
    }

    /**
     * Finds or adds the conversations, a statement or two for all of them: one each unread once per event, at the
     * last event's time. A cached one is updated by its id; the others are looked up by their id and by the id they
     * had before a move (what was sent before the move belongs to the conversation as it is now), and added when
     * found by neither.
     */
    private Map<Key, StoredConversation> conversations(Map<Key, ConversationFacts> told) {
        Map<Key, StoredConversation> stored = new HashMap<>();
        Map<Key, UUID> cached = new LinkedHashMap<>();
        List<Key> unknown = new ArrayList<>();
        told.keySet().forEach(key -> {
            UUID id = conversations.getIfPresent(key);
            if (id != null) {
                cached.put(key, id);
            } else {
                unknown.add(key);
            }
        });
        List<Key> cachedKeys = List.copyOf(cached.keySet());
        int[] updated = touch(cachedKeys.stream().map(key -> new Touch(cached.get(key), told.get(key), true)).toList());
        for (int row = 0; row < cachedKeys.size(); row++) {
            Key key = cachedKeys.get(row);
            if (updated[row] == 1) {
                stored.put(key, new StoredConversation(cached.get(key), false));
            } else {
                // gone since it was cached: merged into another by a move that another host stored, or purged
                conversations.invalidate(key);
                unknown.add(key);
            }
        }
        if (unknown.isEmpty()) {
            return stored;
        }
        Map<Key, Found> found = find(unknown);
        List<Key> absent = unknown.stream().filter(key -> !found.containsKey(key)).toList();
        Map<Key, UUID> created = insertNew("""
                insert into conversation (id, channel_id, space_id, external_id, kind, title, member_id,
                    last_message_at, unread)
                select cast(:id as uuid), id, space_id, cast(:external as varchar), cast(:kind as varchar),
                    cast(:title as varchar), cast(:member as uuid), cast(:now as timestamp with time zone),
                    cast(:unread as integer)
                from channel where id = :channel
                on conflict do nothing""", absent, (key, id) -> {
            ConversationFacts facts = told.get(key);
            return new MapSqlParameterSource("id", id).addValue("channel", key.channelId())
                    .addValue("external", key.externalId()).addValue("kind", facts.first.kind().name())
                    .addValue("title", clean(facts.title)).addValue("member", facts.memberId)
                    .addValue("now", facts.lastAt).addValue("unread", facts.events);
        });
        created.forEach((key, id) -> stored.put(key, new StoredConversation(id, true)));
        // added by another transaction since the look-up
        List<Key> raced = absent.stream().filter(key -> !created.containsKey(key)).toList();
        Map<Key, Found> foundLater = find(raced);
        if (foundLater.size() < raced.size()) {
            throw new IncorrectResultSizeDataAccessException("Conversations neither added nor found: " + raced,
                    raced.size(), foundLater.size());
        }
        found.putAll(foundLater);
        List<Key> foundKeys = List.copyOf(found.keySet());
        // what still comes under a moved conversation's old id leaves its title as it is now
        touch(foundKeys.stream().map(key -> new Touch(found.get(key).id(), told.get(key), !found.get(key).moved()))
                .toList());
        foundKeys.forEach(key -> stored.put(key, new StoredConversation(found.get(key).id(), false)));
        Map<Key, UUID> toCache = new HashMap<>();
        unknown.forEach(key -> toCache.put(key, stored.get(key).id()));
        afterCommit(() -> conversations.putAll(toCache));
        return stored;
    }

    /** A stored conversation that events arrived in; its title is taken from them unless {@code withTitle} is not. */
    private record Touch(UUID id, ConversationFacts facts, boolean withTitle) {
    }

    /** Counts the events as unread, at the last one's time; returns the rows each conversation's update counted. */
    private int[] touch(List<Touch> conversations) {
        return batch("""
                update conversation set last_message_at = :now, unread = unread + :events,
                    title = coalesce(:title, title)
                where id = :id""", conversations, touch -> new MapSqlParameterSource("id", touch.id())
                .addValue("now", touch.facts().lastAt).addValue("events", touch.facts().events)
                .addValue("title", touch.withTitle() ? clean(touch.facts().title) : null));
    }

    /** A stored conversation, and whether it was found by the id it had before a move. */
    private record Found(UUID id, boolean moved) {
    }

    /** The stored conversations of these ids, by their id or by the one they had before a move (which wins). */
    private Map<Key, Found> find(List<Key> keys) {
        Map<Key, Found> found = new HashMap<>();
        for (Map.Entry<UUID, List<String>> channel : byChannel(keys).entrySet()) {
            // two index look-ups: neither database uses its indexes for an "or" of two columns
            jdbc.sql("""
                    select id, external_id, false as moved from conversation
                    where channel_id = :channel and external_id in (:externals)
                    union all
                    select id, former_external_id, true from conversation
                    where channel_id = :channel and former_external_id in (:externals)""")
                    .param("channel", channel.getKey()).param("externals", channel.getValue())
                    .query((rs, row) -> Map.entry(new Key(channel.getKey(), rs.getString(2)),
                            new Found(rs.getObject(1, UUID.class), rs.getBoolean(3))))
                    .list().forEach(row -> found.merge(row.getKey(), row.getValue(),
                            (one, other) -> one.moved() ? one : other));
        }
        return found;
    }

    /** The keys' network ids by channel, for look-ups by index. */
    private static Map<UUID, List<String>> byChannel(List<Key> keys) {
        return keys.stream().collect(Collectors.groupingBy(Key::channelId, LinkedHashMap::new,
                Collectors.mapping(Key::externalId, Collectors.toList())));
    }

    /** Runs the statement once per item, as one JDBC batch; returns the rows each run counted. */
    private <T> int[] batch(String sql, List<T> items, Function<T, SqlParameterSource> parameters) {
        return items.isEmpty() ? new int[0]
                : batches.batchUpdate(sql, items.stream().map(parameters).toArray(SqlParameterSource[]::new));
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
        Key oldKey = new Key(channelId, oldId);
        conversations.invalidate(oldKey);
        afterCommit(() -> conversations.invalidate(oldKey));
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
            Conversation started = new Conversation(newId, moved.conversation().kind(), moved.conversation().title());
            Key newKey = new Key(channelId, newId);
            kept = conversations(Map.of(newKey, new ConversationFacts(started, member).add(started, now)))
                    .get(newKey).id();
        } else {
            return to; // moved before
        }
        jdbc.sql("update conversation set former_external_id = :oldId where id = :id")
                .param("oldId", oldId).param("id", kept).update();
        batch(INSERT_MESSAGE, List.of(inbound(kept, member, "MOVED", null, "Moved from " + oldId + " to " + newId,
                List.of(), now)), row -> row);
        return kept;
    }

    private UUID conversationId(UUID channelId, String externalId) {
        return jdbc.sql("select id from conversation where channel_id = :channel and external_id = :external")
                .param("channel", channelId).param("external", externalId)
                .query(UUID.class).optional().orElse(null);
    }

    /** Counts nothing per row: the driver may rewrite it into one insert of many rows. */
    private static final String INSERT_MESSAGE = """
            insert into message (id, conversation_id, direction, kind, member_id, provider_message_id, text,
                attachments, status, created_at, author)
            values (:id, :conversation, :direction, :kind, :member, :providerId, :text, :attachments, :status, :now,
                :author)""";

    /** A message's row for {@link #INSERT_MESSAGE}, without what only some messages have. */
    private static MapSqlParameterSource message(UUID id, UUID conversationId, String direction, String kind,
                                                 String text, String status, OffsetDateTime now) {
        return new MapSqlParameterSource("id", id).addValue("conversation", conversationId)
                .addValue("direction", direction).addValue("kind", kind).addValue("text", clean(text))
                .addValue("status", status).addValue("now", now).addValue("member", null)
                .addValue("providerId", null).addValue("attachments", null).addValue("author", null);
    }

    private SqlParameterSource inbound(UUID conversationId, Member member, String kind, String providerMessageId,
                                       String text, List<Attachment> attachments, OffsetDateTime now) {
        return message(UUID.randomUUID(), conversationId, "IN", kind, text, "RECEIVED", now)
                .addValue("member", member == null ? null : member.id()).addValue("providerId", providerMessageId)
                .addValue("attachments", attachments.isEmpty() ? null : json.writeValueAsString(attachments));
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
}
