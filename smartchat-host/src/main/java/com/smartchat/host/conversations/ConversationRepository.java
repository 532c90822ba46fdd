package com.smartchat.host.conversations;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
                (select text from message where conversation_id = c.id order by conversation_id, seq desc limit 1)
                    as last_text
            from conversation c
            join channel ch on ch.id = c.channel_id
            left join audience_member m on m.id = c.member_id
            """;

    /** A channel's conversations, most recent first. */
    public List<ConversationView> conversationsOfChannel(UUID channelId, int limit) {
        return jdbc.sql(CONVERSATIONS + " where c.channel_id = :channel" + newestFirst("c.channel_id") + " limit :limit")
                .param("channel", channelId).param("limit", limit)
                .query(CONVERSATION_VIEW).list();
    }

    /**
     * What an inbox shows of a Space: which conversations, from where on.
     *
     * @param channelId only this channel's conversations, or {@code null} for all of the Space's
     * @param text only conversations whose member's name or username, title, or any message contains this text
     *             (ignoring case), or {@code null}
     * @param unreadOnly only conversations with messages no agent has read
     * @param after where the previous page ended, or {@code null} for the first page
     */
    public record InboxQuery(UUID spaceId, UUID channelId, String text, boolean unreadOnly, Cursor after, int limit) {
    }

    /**
     * A page of an inbox.
     *
     * @param next where the next page starts, or {@code null} at the end; a search page can have fewer conversations
     *             than asked for (even none) and still a next one: it looked at {@link #SEARCH_WINDOW} conversations
     */
    public record InboxPage(List<ConversationView> conversations, Cursor next) {
    }

    /**
     * A place in an inbox's order, newest first: the last conversation a page showed (or looked at), by the time of
     * its latest message then its id. It is a value, not a row: a conversation that moves to the top after a page
     * was read (a new message) is not shown twice, and nothing else moves.
     */
    public record Cursor(OffsetDateTime lastMessageAt, UUID id) {

        private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
        private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

        /** The cursor as a query parameter: opaque to clients. */
        public String encoded() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (lastMessageAt.toInstant() + "/" + id).getBytes(StandardCharsets.US_ASCII));
        }

        /** @throws IllegalArgumentException when the text is not a cursor this host gave */
        public static Cursor decode(String encoded) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.US_ASCII).split("/");
                if (parts.length != 2) {
                    throw new IllegalArgumentException("not two parts");
                }
                Instant at = Instant.parse(parts[0]);
                // beyond what both databases store: a forged cursor would fail in the query instead
                if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
                    throw new IllegalArgumentException("a time no message has");
                }
                return new Cursor(at.atOffset(ZoneOffset.UTC), UUID.fromString(parts[1]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("This is not a cursor of an inbox page: use the \"next\" value of "
                        + "the previous page as it came.", e);
            }
        }

        static Cursor of(ConversationView view) {
            return new Cursor(view.lastMessageAt(), view.id());
        }
    }

    /**
     * How many conversations one search request looks at, at most: a search for a rare text would otherwise read
     * every message of the Space before answering. The page's {@code next} continues where it stopped.
     */
    public static final int SEARCH_WINDOW = 2000;

    /**
     * A page of a Space's inbox, most recent first, by keyset: each page continues after the last one's cursor, so
     * a page costs the same at the end of 100,000 conversations as at the start (see V11's indexes).
     */
    public InboxPage inbox(InboxQuery query) {
        StringBuilder where = new StringBuilder(" where c.space_id = :space");
        Map<String, Object> params = new HashMap<>();
        params.put("space", query.spaceId());
        if (query.channelId() != null) {
            where.append(" and c.channel_id = :channel");
            params.put("channel", query.channelId());
        }
        if (query.unreadOnly()) {
            where.append(" and c.unread > 0");
        }
        if (query.after() != null) {
            // "<=" first, so that both databases start the index scan at the cursor
            where.append(" and c.last_message_at <= :at and (c.last_message_at < :at or c.id < :after)");
            params.put("at", query.after().lastMessageAt());
            params.put("after", query.after().id());
        }
        String order = newestFirst(query.channelId() != null ? "c.channel_id" : "c.space_id");
        if (query.text() == null || query.text().isBlank()) {
            List<ConversationView> page = jdbc.sql(CONVERSATIONS + where + order + " limit :limit").params(params)
                    .param("limit", query.limit() + 1).query(CONVERSATION_VIEW).list();
            return page(page, query.limit(), null);
        }
        // the SEARCH_WINDOW conversations after the cursor, then those of them that match: their messages read
        // through the transcript index, conversation by conversation (as EXISTS, PostgreSQL would rather hash the
        // matches of every message in the database)
        String pattern = "%" + query.text().strip().toLowerCase(Locale.ROOT)
                .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        List<ConversationView> matches = jdbc.sql(CONVERSATIONS.replace("from conversation c",
                        "from (select c.* from conversation c" + where + order + " limit :window) c") + """
                         where lower(m.display_name) like :pattern or lower(m.username) like :pattern
                            or lower(c.title) like :pattern
                            or (select 1 from message x where x.conversation_id = c.id and lower(x.text) like :pattern
                                limit 1) is not null
                        """ + order + " limit :limit")
                .params(params).param("window", SEARCH_WINDOW).param("pattern", pattern)
                .param("limit", query.limit() + 1).query(CONVERSATION_VIEW).list();
        Cursor windowEnd = matches.size() > query.limit() ? null : jdbc.sql("select c.last_message_at, c.id from conversation c"
                        + where + order + " offset :last rows fetch next 1 rows only")
                .params(params).param("last", SEARCH_WINDOW - 1)
                .query((rs, row) -> new Cursor(rs.getObject(1, OffsetDateTime.class), rs.getObject(2, UUID.class)))
                .optional().orElse(null);
        return page(matches, query.limit(), windowEnd);
    }

    /**
     * Newest first, as the index on the constant {@code first} column (V11) stores them: a database that reads the
     * index in that order stops after a page, where H2 would otherwise read every conversation and sort them.
     */
    private static String newestFirst(String first) {
        return " order by " + first + ", c.last_message_at desc, c.id desc";
    }

    /** The page, from rows read with one more than the limit to learn whether there is a next page. */
    private static InboxPage page(List<ConversationView> rows, int limit, Cursor windowEnd) {
        if (rows.size() > limit) {
            List<ConversationView> page = rows.subList(0, limit);
            return new InboxPage(page, Cursor.of(page.getLast()));
        }
        return new InboxPage(rows, windowEnd);
    }

    public Optional<ConversationView> conversation(UUID conversationId) {
        return jdbc.sql(CONVERSATIONS + " where c.id = :id").param("id", conversationId)
                .query(CONVERSATION_VIEW).optional();
    }

    /**
     * The latest messages of a conversation, oldest first; or with {@code before}, those just before that message
     * (by keyset on the transcript's order, for scrolling back): none when the conversation has no such message.
     */
    public List<MessageView> transcript(UUID conversationId, UUID before, int limit) {
        List<MessageView> newestFirst = jdbc.sql("""
                select msg.id, msg.direction, msg.kind, msg.text, msg.attachments, msg.status, msg.failure_kind,
                    msg.failure_reason, msg.author, m.display_name as member_name, msg.created_at, msg.sent_at,
                    case when msg.status = 'QUEUED' then o.last_error end as retry_reason,
                    case when msg.status = 'QUEUED' and o.last_error is not null then o.due_at end as next_attempt_at
                from message msg left join audience_member m on m.id = msg.member_id
                left join outbound o on o.message_id = msg.id
                where msg.conversation_id = :id
                """ + (before == null ? "" : """
                    and msg.seq < (select seq from message where id = :before and conversation_id = :id)
                """) + " order by msg.conversation_id, msg.seq desc limit :limit") // as V11's index: see newestFirst
                .param("id", conversationId).param("limit", limit)
                .params(before == null ? Map.of() : Map.of("before", before))
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

    /** How many messages of a Space's conversations no agent has read. */
    public int unreadMessages(UUID spaceId) {
        return jdbc.sql("select coalesce(sum(unread), 0) from conversation where space_id = :space and unread > 0")
                .param("space", spaceId).query(Integer.class).single();
    }

    /**
     * An agent read the conversation. Read is one state per conversation, shared by the Space's agents: an inbox is
     * a team's queue, and what one agent read (or marked read) is handled for all of them.
     */
    public void markRead(UUID conversationId) {
        jdbc.sql("update conversation set unread = 0 where id = :id").param("id", conversationId).update();
    }
}
