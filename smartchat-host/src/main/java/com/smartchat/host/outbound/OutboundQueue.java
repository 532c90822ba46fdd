package com.smartchat.host.outbound;

import com.smartchat.host.channels.ChannelOwnership;
import com.smartchat.host.storage.GroupCommit;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * The durable queue of messages to send: the {@code outbound} table, and nothing else (the messages themselves belong
 * to the conversations feature, which records what became of each send). A row is claimed for a lease before it is
 * sent, so several dispatchers (on one host or many) never send it twice, and a dispatcher that dies releases its
 * rows when the lease ends. Writes join the caller's transaction.
 */
@Repository
public class OutboundQueue {

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batches;
    private final Clock clock;
    private final OutboundProperties properties;
    private final ApplicationEventPublisher events;
    private final ChannelOwnership ownership;

    /** Marks of sends under way, committed together: each is a commit that must precede its network call. */
    private final GroupCommit<UUID> underWay;

    public OutboundQueue(JdbcClient jdbc, NamedParameterJdbcTemplate batches, Clock clock, OutboundProperties properties,
                         ApplicationEventPublisher events, TransactionTemplate transactions,
                         ChannelOwnership ownership) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.clock = clock;
        this.properties = properties;
        this.events = events;
        this.ownership = ownership;
        this.underWay = new GroupCommit<>("sends under way", 256, ids -> transactions.executeWithoutResult(status -> {
            OffsetDateTime now = now();
            jdbc.sql("""
                    update outbound set sending_since = :now, claimed_until = :until, due_at = :until
                    where message_id in (:ids)""")
                    .param("now", now).param("until", now.plus(properties.lease())).param("ids", ids).update();
        }));
    }

    /**
     * A claimed message with what sending it needs.
     *
     * @param conversationExternalId the network's id of the conversation
     * @param group whether the conversation is a group or broadcast one
     * @param kind the message's kind: GREETING or REPLY
     * @param behindEarlier whether an earlier message of its conversation, not claimed with it, was still queued: it
     *                      must not go before that one (claimed by another dispatcher, or waiting for its retry)
     * @param withFile whether an agent attached a file to it ({@link ReplyFiles}), which goes with its text
     */
    public record Pending(UUID messageId, UUID channelId, UUID conversationId, String conversationExternalId,
                         boolean group, UUID memberId, String kind, String text, int attempts,
                         OffsetDateTime createdAt, boolean behindEarlier, boolean withFile) {
    }

    /**
     * Queues a message, in the caller's transaction, claimed by this host: once that transaction commits, the
     * message goes to this host's dispatcher in memory ({@link MessageQueued}) rather than waiting to be found by a
     * query. Should the host die first, the claim ends after its lease and any dispatcher finds the row. A message
     * whose conversation still has an earlier one queued (waiting for a retry, or being sent) is queued unclaimed
     * instead: it goes after that one, in the queue's order. So is a message for a channel that another host owns,
     * which is woken to send it.
     *
     * @param pending the message; its {@code attempts} and {@code behindEarlier} are not read
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void enqueue(Pending pending) {
        enqueue(List.of(pending), Set.of());
    }

    /**
     * {@linkplain #enqueue(Pending) Queues} messages, in that order, with one statement for all of them.
     *
     * @param newConversations conversations created in the caller's transaction: they have no earlier message
     *                         queued, which saves looking (a greeting's case)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void enqueue(List<Pending> messages, Set<UUID> newConversations) {
        OffsetDateTime now = now();
        Set<UUID> queuedHere = new HashSet<>();
        List<Pending> claimed = new ArrayList<>();
        Set<UUID> ownedElsewhere = new LinkedHashSet<>();
        List<SqlParameterSource> rows = new ArrayList<>();
        for (Pending pending : messages) {
            boolean sentHere = ownership.holds(pending.channelId());
            boolean firstOfConversation = queuedHere.add(pending.conversationId());
            boolean unclaimed = !sentHere || !firstOfConversation
                    || !newConversations.contains(pending.conversationId()) && jdbc.sql("""
                    select count(*) from outbound o join message m on m.id = o.message_id
                    where m.conversation_id = :conversation""")
                    .param("conversation", pending.conversationId()).query(Long.class).single() > 0;
            OffsetDateTime claimedUntil = unclaimed ? null : now.plus(properties.lease());
            rows.add(new MapSqlParameterSource("id", pending.messageId()).addValue("channel", pending.channelId())
                    .addValue("due", unclaimed ? now : claimedUntil).addValue("until", claimedUntil));
            if (!unclaimed) {
                claimed.add(pending);
            } else if (!sentHere) {
                ownedElsewhere.add(pending.channelId());
            }
        }
        batches.batchUpdate("""
                insert into outbound (message_id, channel_id, due_at, attempts, claimed_until)
                values (:id, :channel, :due, 0, :until)""", rows.toArray(SqlParameterSource[]::new));
        // heard after the commit: see OutboundDispatcher
        if (!claimed.isEmpty()) {
            events.publishEvent(new MessageQueued(claimed));
        }
        ownedElsewhere.forEach(ownership::wakeSender);
    }

    /**
     * Locks and returns the {@link #markUnderWay under way} messages whose claim has ended: the host that sent them
     * stopped (or hung) before it could record the network's answer, so they may have gone out, and sending them
     * again could deliver them twice. The caller records them as uncertain and {@linkplain #remove removes} them in
     * its transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<UUID> lockAbandonedSends() {
        return jdbc.sql("""
                select message_id from outbound
                where sending_since is not null and claimed_until < :now
                for update skip locked""")
                .param("now", now())
                .query(UUID.class).list();
    }

    /** Takes messages out of the queue: sent, failed for good, or uncertain. */
    public void remove(Collection<UUID> messageIds) {
        if (!messageIds.isEmpty()) {
            jdbc.sql("delete from outbound where message_id in (:ids)").param("ids", messageIds).update();
        }
    }

    /**
     * Claims up to {@code limit} due messages for {@code lease}, oldest first: of any channel when this host runs
     * every channel, else of the channels whose lease it holds (only a channel's owner sends for it).
     */
    @Transactional
    public List<Pending> claimDue(int limit, Duration lease) {
        OffsetDateTime now = now();
        List<UUID> ids = jdbc.sql("""
                select message_id from outbound o
                where due_at <= :now and (claimed_until is null or claimed_until < :now) and sending_since is null
                    and (:anyChannel or exists (select 1 from channel_lease l
                        where l.channel_id = o.channel_id and l.owner = :me))
                order by due_at limit :limit
                for update skip locked""")
                .param("now", now).param("limit", limit)
                .param("anyChannel", ownership.runsEveryChannel()).param("me", ownership.hostId())
                .query(UUID.class).list();
        if (ids.isEmpty()) {
            return List.of();
        }
        // due again when the lease ends: a claimed row leaves the range the next claim scans, and a dispatcher
        // that died hands its rows on at the same moment as before
        jdbc.sql("update outbound set claimed_until = :until, due_at = :until where message_id in (:ids)")
                .param("until", now.plus(lease)).param("ids", ids).update();
        return jdbc.sql("""
                select o.message_id, o.channel_id, o.attempts, m.conversation_id, m.kind as message_kind, m.text,
                    m.created_at, c.external_id, c.kind, c.member_id,
                    exists (select 1 from reply_file f where f.message_id = m.id) as with_file,
                    exists (select 1 from message e join outbound eo on eo.message_id = e.id
                            where e.conversation_id = m.conversation_id and e.seq < m.seq
                                and e.id not in (:ids)) as behind_earlier
                from outbound o
                join message m on m.id = o.message_id
                join conversation c on c.id = m.conversation_id
                where o.message_id in (:ids)
                order by o.due_at, m.seq""")
                .param("ids", ids)
                .query((rs, row) -> new Pending(
                        rs.getObject("message_id", UUID.class),
                        rs.getObject("channel_id", UUID.class),
                        rs.getObject("conversation_id", UUID.class),
                        rs.getString("external_id"),
                        !"PRIVATE".equals(rs.getString("kind")),
                        rs.getObject("member_id", UUID.class),
                        rs.getString("message_kind"),
                        rs.getString("text"),
                        rs.getInt("attempts"),
                        rs.getObject("created_at", OffsetDateTime.class),
                        rs.getBoolean("behind_earlier"),
                        rs.getBoolean("with_file")))
                .list();
    }

    /**
     * Records, and commits before it returns, that the message is about to be handed to its channel: from now on, a
     * host that stops before recording the answer leaves it {@linkplain #lockAbandonedSends uncertain}, never
     * resent. Its claim starts anew, so that a send that waited for its turn still has a whole lease to get its
     * answer. Marks made at the same time share a commit.
     *
     * @throws GroupCommit.Failed when it could not be recorded: then the message must not be sent
     */
    public void markUnderWay(UUID messageId) {
        underWay.commit(messageId);
    }

    @PreDestroy
    void close() throws InterruptedException {
        underWay.close();
    }

    /**
     * Puts a claimed message back, due at {@code dueAt}; it is no longer under way (it certainly did not go out).
     * Always a commit of its own: it is also called just after another transaction committed (a message queued
     * while the host stops), when a plain write would still belong to that finished transaction and never commit.
     *
     * @param attempted whether an attempt to send was made (it then counts, and its error is kept)
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void release(UUID messageId, Instant dueAt, boolean attempted, String error) {
        jdbc.sql("""
                update outbound set due_at = :due, claimed_until = null, sending_since = null,
                    attempts = attempts + :attempt, last_error = coalesce(:error, last_error)
                where message_id = :id""")
                .param("due", dueAt.atOffset(ZoneOffset.UTC)).param("attempt", attempted ? 1 : 0)
                .param("error", truncate(error)).param("id", messageId)
                .update();
    }

    /** How many messages wait to be sent. */
    public long depth() {
        return jdbc.sql("select count(*) from outbound").query(Long.class).single();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
    }
}
