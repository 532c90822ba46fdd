package com.smartchat.host.outbound;

import com.smartchat.channel.spi.FailureKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The durable queue of messages to send. A row is claimed for a lease before it is sent, so several dispatchers
 * (on one host or many) never send it twice, and a dispatcher that dies releases its rows when the lease ends.
 */
@Repository
public class OutboundQueue {

    private final JdbcClient jdbc;
    private final Clock clock;

    public OutboundQueue(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * A claimed message with what sending it needs.
     *
     * @param conversationExternalId the network's id of the conversation
     * @param group whether the conversation is a group or broadcast one
     * @param kind the message's kind: GREETING or REPLY
     * @param behindEarlier whether an earlier message of its conversation, not claimed with it, was still queued: it
     *                      must not go before that one (claimed by another dispatcher, or waiting for its retry)
     */
    public record Pending(UUID messageId, UUID channelId, UUID conversationId, String conversationExternalId,
                         boolean group, UUID memberId, String kind, String text, int attempts,
                         OffsetDateTime createdAt, boolean behindEarlier) {
    }

    /** Queues an agent's reply in a conversation; returns the new message's id. */
    @Transactional
    public UUID enqueueReply(UUID conversationId, String text, String author) {
        UUID channelId = jdbc.sql("select channel_id from conversation where id = :id").param("id", conversationId)
                .query(UUID.class).single();
        UUID messageId = UUID.randomUUID();
        OffsetDateTime now = now();
        jdbc.sql("""
                insert into message (id, conversation_id, direction, kind, text, status, created_at, author)
                values (:id, :conversation, 'OUT', 'REPLY', :text, 'QUEUED', :now, :author)""")
                .param("id", messageId).param("conversation", conversationId).param("text", text)
                .param("now", now).param("author", author)
                .update();
        jdbc.sql("insert into outbound (message_id, channel_id, due_at, attempts) values (:id, :channel, :now, 0)")
                .param("id", messageId).param("channel", channelId).param("now", now)
                .update();
        jdbc.sql("update conversation set last_message_at = :now, unread = 0 where id = :id")
                .param("now", now).param("id", conversationId).update();
        return messageId;
    }

    /** A message whose send may or may not have reached the network. */
    public record Uncertain(UUID messageId, String kind) {
    }

    /**
     * Marks {@link #markUnderWay under way} messages whose claim has ended UNCERTAIN, and takes them out of the
     * queue: the host that sent them stopped (or hung) before it could record the network's answer, so they may
     * have gone out, and sending them again could deliver them twice.
     *
     * @return the messages marked
     */
    @Transactional
    public List<Uncertain> abandonSendsUnderWay() {
        List<UUID> ids = jdbc.sql("""
                select message_id from outbound
                where sending_since is not null and claimed_until < :now
                for update skip locked""")
                .param("now", now())
                .query(UUID.class).list();
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Uncertain> marked = jdbc.sql("select id, kind from message where id in (:ids)").param("ids", ids)
                .query((rs, row) -> new Uncertain(rs.getObject("id", UUID.class), rs.getString("kind"))).list();
        jdbc.sql("""
                update message set status = 'UNCERTAIN', failure_kind = null, failure_reason = :reason
                where id in (:ids)""")
                .param("reason", "The host stopped while sending this message: it may or may not have been delivered.")
                .param("ids", ids).update();
        jdbc.sql("delete from outbound where message_id in (:ids)").param("ids", ids).update();
        return marked;
    }

    /** Claims up to {@code limit} due messages for {@code lease}, oldest first. */
    @Transactional
    public List<Pending> claimDue(int limit, Duration lease) {
        OffsetDateTime now = now();
        List<UUID> ids = jdbc.sql("""
                select message_id from outbound
                where due_at <= :now and (claimed_until is null or claimed_until < :now) and sending_since is null
                order by due_at limit :limit
                for update skip locked""")
                .param("now", now).param("limit", limit)
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
                        rs.getBoolean("behind_earlier")))
                .list();
    }

    /**
     * Records, in a commit of its own, that the message is about to be handed to its channel: from now on, a host
     * that stops before recording the answer leaves it {@linkplain #abandonSendsUnderWay uncertain}, never resent.
     */
    public void markUnderWay(UUID messageId) {
        jdbc.sql("update outbound set sending_since = :now where message_id = :id")
                .param("now", now()).param("id", messageId).update();
    }

    /** The message may or may not have reached the network: it leaves the queue, the reason stays on it. */
    @Transactional
    public void markUncertain(UUID messageId, String reason) {
        jdbc.sql("update message set status = 'UNCERTAIN', failure_kind = null, failure_reason = :reason where id = :id")
                .param("reason", truncate(reason)).param("id", messageId)
                .update();
        jdbc.sql("delete from outbound where message_id = :id").param("id", messageId).update();
    }

    /** What {@link #sendAgain} found. */
    public enum SendAgain {
        /** Queued again. */
        QUEUED,
        /** The conversation has no such message. */
        NOT_FOUND,
        /** The message's delivery is not uncertain: sending it again is not for an agent to decide. */
        NOT_UNCERTAIN
    }

    /** An agent decided that an uncertain message was not delivered: queues it again, as it was. */
    @Transactional
    public SendAgain sendAgain(UUID conversationId, UUID messageId) {
        UUID channelId = jdbc.sql("select channel_id from conversation where id = :id").param("id", conversationId)
                .query(UUID.class).optional().orElse(null);
        int queued = jdbc.sql("""
                update message set status = 'QUEUED', failure_reason = null
                where id = :id and conversation_id = :conversation and status = 'UNCERTAIN'""")
                .param("id", messageId).param("conversation", conversationId).update();
        if (queued == 0 || channelId == null) {
            boolean exists = jdbc.sql("select count(*) from message where id = :id and conversation_id = :conversation")
                    .param("id", messageId).param("conversation", conversationId).query(Long.class).single() > 0;
            return exists ? SendAgain.NOT_UNCERTAIN : SendAgain.NOT_FOUND;
        }
        jdbc.sql("insert into outbound (message_id, channel_id, due_at, attempts) values (:id, :channel, :now, 0)")
                .param("id", messageId).param("channel", channelId).param("now", now())
                .update();
        return SendAgain.QUEUED;
    }

    /** How many messages wait for an agent's decision because their delivery is uncertain. */
    public long uncertain() {
        return jdbc.sql("select count(*) from message where status = 'UNCERTAIN'").query(Long.class).single();
    }

    /** The network accepted the message. */
    @Transactional
    public void markSent(UUID messageId, List<String> providerMessageIds, Instant sentAt) {
        jdbc.sql("""
                update message set status = 'SENT', provider_message_id = :providerIds, sent_at = :sentAt,
                    failure_kind = null, failure_reason = null
                where id = :id""")
                .param("providerIds", String.join(",", providerMessageIds))
                .param("sentAt", sentAt.atOffset(ZoneOffset.UTC)).param("id", messageId)
                .update();
        jdbc.sql("delete from outbound where message_id = :id").param("id", messageId).update();
    }

    /** The message will not be sent: the reason stays on it for agents to see. */
    @Transactional
    public void markFailed(UUID messageId, FailureKind kind, String reason) {
        jdbc.sql("update message set status = 'FAILED', failure_kind = :kind, failure_reason = :reason where id = :id")
                .param("kind", kind.name()).param("reason", truncate(reason)).param("id", messageId)
                .update();
        jdbc.sql("delete from outbound where message_id = :id").param("id", messageId).update();
    }

    /**
     * Puts a claimed message back, due at {@code dueAt}; it is no longer under way (it certainly did not go out).
     *
     * @param attempted whether an attempt to send was made (it then counts, and its error is kept)
     */
    public void release(UUID messageId, Instant dueAt, boolean attempted, String error) {
        jdbc.sql("""
                update outbound set due_at = :due, claimed_until = null, sending_since = null,
                    attempts = attempts + :attempt, last_error = coalesce(:error, last_error)
                where message_id = :id""")
                .param("due", dueAt.atOffset(ZoneOffset.UTC)).param("attempt", attempted ? 1 : 0)
                .param("error", truncate(error)).param("id", messageId)
                .update();
    }

    /** Marks the audience member who blocked the channel. */
    public void markBlocked(UUID memberId) {
        jdbc.sql("update audience_member set blocked = true where id = :id").param("id", memberId).update();
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
