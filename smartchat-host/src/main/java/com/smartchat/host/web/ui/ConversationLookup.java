package com.smartchat.host.web.ui;

import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Where a conversation belongs: its channel and Space, also when the channel was deleted with its history kept
 * (its conversations stay readable in the inbox, but take no replies).
 */
@Repository
class ConversationLookup {

    private final JdbcClient jdbc;

    ConversationLookup(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A conversation's place. */
    record Place(UUID conversationId, UUID channelId, UUID spaceId, boolean channelDeleted) {
    }

    Optional<Place> find(UUID conversationId) {
        return jdbc.sql("""
                select c.id, c.channel_id, ch.space_id, ch.deleted_at is not null as deleted
                from conversation c join channel ch on ch.id = c.channel_id
                where c.id = :id""")
                .param("id", conversationId)
                .query((rs, row) -> new Place(rs.getObject("id", UUID.class), rs.getObject("channel_id", UUID.class),
                        rs.getObject("space_id", UUID.class), rs.getBoolean("deleted")))
                .optional();
    }
}
