package com.smartchat.host.conversations;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads conversations and transcripts. */
@Repository
public class ConversationRepository {

    private final JdbcClient jdbc;

    public ConversationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A conversation as agents see it.
     *
     * @param memberName the person of a private conversation, or {@code null} for a group
     * @param lastText the latest message's text, for a list's preview
     */
    public record ConversationView(UUID id, UUID channelId, String channelName, String externalId, String kind,
                                   String title, String memberName, String memberUsername, Boolean memberBlocked,
                                   OffsetDateTime lastMessageAt, int unread, String lastText) {
    }

    /**
     * One entry of a transcript.
     *
     * @param direction {@code IN} from the audience, {@code OUT} to it
     * @param status {@code RECEIVED}, or for outgoing messages {@code QUEUED}, {@code SENT}, {@code FAILED} or
     *               {@code UNCERTAIN} (it may or may not have been delivered: the host stopped while sending it, or
     *               the network did not answer; an agent may send it again with {@code POST .../retry})
     * @param author who wrote an outgoing message: an agent's user name, or {@code greeting}
     * @param retryReason for a queued message that the network did not take yet: why (the last attempt's error, or
     *                    the network's request to wait); {@code null} before any attempt
     * @param nextAttemptAt when the host tries it again, with {@code retryReason}
     */
    public record MessageView(UUID id, String direction, String kind, String text, String attachments, String status,
                              String failureKind, String failureReason, String author, String memberName,
                              OffsetDateTime createdAt, OffsetDateTime sentAt, String retryReason,
                              OffsetDateTime nextAttemptAt) {
    }

    // by the result's column names (created_at to createdAt): JdbcClient's default mapper asks for "createdAt" first,
    // and H2 answers each miss with an exception written to its trace file
    private static final RowMapper<ConversationView> CONVERSATION_VIEW = new DataClassRowMapper<>(ConversationView.class);
    private static final RowMapper<MessageView> MESSAGE_VIEW = new DataClassRowMapper<>(MessageView.class);

    private static final String CONVERSATIONS = """
            select c.id, c.channel_id, ch.name as channel_name, c.external_id, c.kind, c.title,
                m.display_name as member_name, m.username as member_username, m.blocked as member_blocked,
                c.last_message_at, c.unread,
                (select text from message where conversation_id = c.id order by seq desc limit 1) as last_text
            from conversation c
            join channel ch on ch.id = c.channel_id
            left join audience_member m on m.id = c.member_id
            """;

    /** A channel's conversations, most recent first. */
    public List<ConversationView> conversationsOfChannel(UUID channelId, int limit) {
        return jdbc.sql(CONVERSATIONS + " where c.channel_id = :channel order by c.last_message_at desc limit :limit")
                .param("channel", channelId).param("limit", limit)
                .query(CONVERSATION_VIEW).list();
    }

    /** A Space's conversations across its channels, most recent first. */
    public List<ConversationView> conversationsOfSpace(UUID spaceId, int limit) {
        return jdbc.sql(CONVERSATIONS + " where ch.space_id = :space order by c.last_message_at desc limit :limit")
                .param("space", spaceId).param("limit", limit)
                .query(CONVERSATION_VIEW).list();
    }

    public Optional<ConversationView> conversation(UUID conversationId) {
        return jdbc.sql(CONVERSATIONS + " where c.id = :id").param("id", conversationId)
                .query(CONVERSATION_VIEW).optional();
    }

    /** The latest messages of a conversation, oldest first. */
    public List<MessageView> transcript(UUID conversationId, int limit) {
        List<MessageView> newestFirst = jdbc.sql("""
                select msg.id, msg.direction, msg.kind, msg.text, msg.attachments, msg.status, msg.failure_kind,
                    msg.failure_reason, msg.author, m.display_name as member_name, msg.created_at, msg.sent_at,
                    case when msg.status = 'QUEUED' then o.last_error end as retry_reason,
                    case when msg.status = 'QUEUED' and o.last_error is not null then o.due_at end as next_attempt_at
                from message msg left join audience_member m on m.id = msg.member_id
                left join outbound o on o.message_id = msg.id
                where msg.conversation_id = :id
                order by msg.seq desc limit :limit""")
                .param("id", conversationId).param("limit", limit)
                .query(MESSAGE_VIEW).list();
        return newestFirst.reversed();
    }

    public Optional<MessageView> message(UUID messageId) {
        return jdbc.sql("""
                select msg.id, msg.direction, msg.kind, msg.text, msg.attachments, msg.status, msg.failure_kind,
                    msg.failure_reason, msg.author, m.display_name as member_name, msg.created_at, msg.sent_at,
                    case when msg.status = 'QUEUED' then o.last_error end as retry_reason,
                    case when msg.status = 'QUEUED' and o.last_error is not null then o.due_at end as next_attempt_at
                from message msg left join audience_member m on m.id = msg.member_id
                left join outbound o on o.message_id = msg.id
                where msg.id = :id""")
                .param("id", messageId).query(MESSAGE_VIEW).optional();
    }

    /**
     * Where a conversation belongs: its channel and Space, also when the channel was deleted with its history kept
     * (its conversations stay readable in the inbox, but take no replies).
     */
    public record Place(UUID conversationId, UUID channelId, UUID spaceId, boolean channelDeleted) {
    }

    /** The attachments of a message of a conversation, as stored (a JSON array); empty for another conversation's. */
    public Optional<String> attachments(UUID conversationId, UUID messageId) {
        return jdbc.sql("select attachments from message where id = :id and conversation_id = :conversation")
                .param("id", messageId).param("conversation", conversationId)
                .query((rs, row) -> rs.getString("attachments")).optional().filter(json -> !json.isBlank());
    }

    public Optional<Place> place(UUID conversationId) {
        return jdbc.sql("""
                select c.id, c.channel_id, ch.space_id, ch.deleted_at is not null as deleted
                from conversation c join channel ch on ch.id = c.channel_id
                where c.id = :id""")
                .param("id", conversationId)
                .query((rs, row) -> new Place(rs.getObject("id", UUID.class), rs.getObject("channel_id", UUID.class),
                        rs.getObject("space_id", UUID.class), rs.getBoolean("deleted")))
                .optional();
    }

    /** An agent read the conversation. */
    public void markRead(UUID conversationId) {
        jdbc.sql("update conversation set unread = 0 where id = :id").param("id", conversationId).update();
    }
}
