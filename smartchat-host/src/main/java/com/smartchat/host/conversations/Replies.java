package com.smartchat.host.conversations;

import com.smartchat.host.conversations.ConversationRepository.MessageView;
import com.smartchat.host.outbound.OutboundQueue;
import com.smartchat.host.outbound.ReplyFiles;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Agents' replies, from the inbox page and the API alike: stored and queued in one transaction. */
@Component
public class Replies {

    private final JdbcClient jdbc;
    private final OutboundQueue queue;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final ConversationRepository conversations;

    private final ReplyFiles files;
    private final JsonMapper json;

    Replies(JdbcClient jdbc, OutboundQueue queue, Clock clock, ApplicationEventPublisher events,
            ConversationRepository conversations, ReplyFiles files, JsonMapper json) {
        this.files = files;
        this.json = json;
        this.conversations = conversations;
        this.jdbc = jdbc;
        this.queue = queue;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Queues an agent's reply in a conversation.
     *
     * @return the message as queued, read before the commit hands it to the dispatcher
     */
    @Transactional
    public MessageView reply(UUID conversationId, String text, String author) {
        return reply(conversationId, text, null, author);
    }

    /**
     * Queues an agent's reply with a file, stored with it in the same transaction (the text, if any, is its
     * caption): images go as photos, anything else as a document.
     *
     * @param file the file, or {@code null} for text alone
     * @return the message as queued, read before the commit hands it to the dispatcher
     */
    @Transactional
    public MessageView reply(UUID conversationId, String text, ReplyFiles.ReplyFile file, String author) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        Recipient recipient = recipient(conversationId);
        UUID messageId = UUID.randomUUID();
        String body = file != null && text != null && text.isBlank() ? null : text;
        jdbc.sql("""
                insert into message (id, conversation_id, direction, kind, text, attachments, status, created_at, author)
                values (:id, :conversation, 'OUT', 'REPLY', :text, :attachments, 'QUEUED', :now, :author)""")
                .param("id", messageId).param("conversation", conversationId).param("text", body)
                .param("attachments", file == null ? null : json.writeValueAsString(List.of(file.attachment())))
                .param("now", now).param("author", author)
                .update();
        if (file != null) {
            files.store(messageId, file);
        }
        jdbc.sql("update conversation set last_message_at = :now, unread = 0 where id = :id")
                .param("now", now).param("id", conversationId).update();
        queue.enqueue(recipient.pending(messageId, "REPLY", body, now, file != null));
        events.publishEvent(new ConversationChanged(recipient.channelId(), conversationId));
        return conversations.message(messageId).orElseThrow();
    }

    /**
     * What {@link #sendAgain} found, and the message as queued again (read before the commit hands it to the
     * dispatcher), or {@code null} when it was not.
     */
    public record SentAgain(SendAgain outcome, MessageView message) {
    }

    /** What {@link #sendAgain} found. */
    public enum SendAgain {
        /** Queued again. */
        QUEUED,
        /** The conversation has no such message. */
        NOT_FOUND,
        /** The message was sent or is still queued: sending it again is not for an agent to decide. */
        NOT_UNSENT
    }

    /**
     * An agent's "Try again" (a failed message) or "Send again" (an uncertain message, which the agent decided was
     * not delivered): queues it again, as it was.
     */
    @Transactional
    public SentAgain sendAgain(UUID conversationId, UUID messageId) {
        Queued message = jdbc.sql("""
                select kind, text, created_at, exists (select 1 from reply_file f where f.message_id = message.id)
                    as with_file
                from message where id = :id and conversation_id = :conversation""")
                .param("id", messageId).param("conversation", conversationId)
                .query((rs, row) -> new Queued(rs.getString("kind"), rs.getString("text"),
                        rs.getObject("created_at", OffsetDateTime.class), rs.getBoolean("with_file")))
                .optional().orElse(null);
        if (message == null) {
            return new SentAgain(SendAgain.NOT_FOUND, null);
        }
        int queued = jdbc.sql("""
                update message set status = 'QUEUED', failure_kind = null, failure_reason = null
                where id = :id and status in ('UNCERTAIN', 'FAILED')""")
                .param("id", messageId).update();
        if (queued == 0) {
            return new SentAgain(SendAgain.NOT_UNSENT, null);
        }
        Recipient recipient = recipient(conversationId);
        queue.enqueue(recipient.pending(messageId, message.kind(), message.text(), message.createdAt(),
                message.withFile()));
        events.publishEvent(new ConversationChanged(recipient.channelId(), conversationId));
        return new SentAgain(SendAgain.QUEUED, conversations.message(messageId).orElseThrow());
    }

    private record Queued(String kind, String text, OffsetDateTime createdAt, boolean withFile) {
    }

    /** Where a conversation's messages go. */
    private record Recipient(UUID channelId, UUID conversationId, String externalId, boolean group, UUID memberId) {
        OutboundQueue.Pending pending(UUID messageId, String kind, String text, OffsetDateTime createdAt,
                                      boolean withFile) {
            return new OutboundQueue.Pending(messageId, channelId, conversationId, externalId, group, memberId, kind,
                    text, 0, createdAt, false, withFile);
        }
    }

    private Recipient recipient(UUID conversationId) {
        return jdbc.sql("select channel_id, external_id, kind, member_id from conversation where id = :id")
                .param("id", conversationId)
                .query((rs, row) -> new Recipient(rs.getObject("channel_id", UUID.class), conversationId,
                        rs.getString("external_id"), !"PRIVATE".equals(rs.getString("kind")),
                        rs.getObject("member_id", UUID.class)))
                .single();
    }
}
