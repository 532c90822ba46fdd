package com.smartchat.host.conversations;

import com.smartchat.channel.spi.FailureKind;
import com.smartchat.host.outbound.DeliveryRecords;
import com.smartchat.host.outbound.OutboundQueue;
import com.smartchat.host.storage.GroupCommit;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/** Records what became of each send on its message (and on a member who blocked the channel). */
@Component
class Deliveries implements DeliveryRecords {

    private static final String HOST_STOPPED =
            "The host stopped while sending this message: it may or may not have been delivered.";

    private final JdbcClient jdbc;
    private final OutboundQueue queue;
    /** Sends recorded at the same time share a commit. */
    private final GroupCommit<Sent> sentMarks;

    Deliveries(JdbcClient jdbc, NamedParameterJdbcTemplate batches, TransactionTemplate transactions,
               OutboundQueue queue) {
        this.jdbc = jdbc;
        this.queue = queue;
        this.sentMarks = new GroupCommit<>("sent marks", 256, sent -> transactions.executeWithoutResult(status -> {
            batches.batchUpdate("""
                    update message set status = 'SENT', provider_message_id = :providerIds, sent_at = :sentAt,
                        failure_kind = null, failure_reason = null
                    where id = :id""", sent.stream().map(Sent::parameters).toArray(SqlParameterSource[]::new));
            queue.remove(sent.stream().map(Sent::messageId).toList());
        }));
    }

    private record Sent(UUID messageId, List<String> providerMessageIds, Instant sentAt) {
        SqlParameterSource parameters() {
            return new MapSqlParameterSource("id", messageId)
                    .addValue("providerIds", String.join(",", providerMessageIds))
                    .addValue("sentAt", sentAt.atOffset(ZoneOffset.UTC));
        }
    }

    /** Returns once the mark is committed; marks recorded at the same time share the commit. */
    @Override
    public void sent(UUID messageId, List<String> providerMessageIds, Instant sentAt) {
        sentMarks.commit(new Sent(messageId, providerMessageIds, sentAt));
    }

    @PreDestroy
    void close() throws InterruptedException {
        sentMarks.close();
    }

    @Override
    @Transactional
    public void failed(UUID messageId, FailureKind kind, String reason) {
        jdbc.sql("update message set status = 'FAILED', failure_kind = :kind, failure_reason = :reason where id = :id")
                .param("kind", kind.name()).param("reason", truncate(reason)).param("id", messageId)
                .update();
        queue.remove(List.of(messageId));
    }

    @Override
    @Transactional
    public void recipientBlocked(UUID messageId, UUID memberId, String reason) {
        failed(messageId, FailureKind.RECIPIENT_BLOCKED, reason);
        if (memberId != null) {
            jdbc.sql("update audience_member set blocked = true where id = :id").param("id", memberId).update();
        }
    }

    @Override
    @Transactional
    public void uncertain(UUID messageId, String reason) {
        markUncertain(List.of(messageId), reason);
    }

    @Override
    @Transactional
    public List<Uncertain> abandonSendsUnderWay() {
        List<UUID> ids = queue.lockAbandonedSends();
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Uncertain> marked = jdbc.sql("select id, kind from message where id in (:ids)").param("ids", ids)
                .query((rs, row) -> new Uncertain(rs.getObject("id", UUID.class), rs.getString("kind"))).list();
        markUncertain(ids, HOST_STOPPED);
        return marked;
    }

    private void markUncertain(List<UUID> ids, String reason) {
        jdbc.sql("""
                update message set status = 'UNCERTAIN', failure_kind = null, failure_reason = :reason
                where id in (:ids)""")
                .param("reason", truncate(reason)).param("ids", ids).update();
        queue.remove(ids);
    }

    @Override
    public long uncertainCount() {
        return jdbc.sql("select count(*) from message where status = 'UNCERTAIN'").query(Long.class).single();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
    }
}
