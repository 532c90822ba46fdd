package com.smartchat.host.conversations;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/set-aside}: what channels received but could not have stored (no usable id, or refused by the
 * store every time), newest first, raw, with the reason. Platform admins only (see the security configuration): the
 * payloads span every Space.
 */
@RestController
@RequestMapping("/api/set-aside")
public class SetAsideController {

    private final JdbcClient jdbc;

    public SetAsideController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One set-aside input.
     *
     * @param eventId the network's id, or {@code null} when it had none that could be used
     * @param type the network's name for its kind
     * @param payload as the network sent it
     * @param reason why it was set aside
     */
    public record SetAside(UUID id, UUID channelId, String eventId, String type, String payload, String reason,
                           OffsetDateTime setAsideAt) {
    }

    @GetMapping
    public List<SetAside> list(@RequestParam(name = "channel", required = false) UUID channelId,
                               @RequestParam(name = "limit", defaultValue = "100") int limit) {
        return jdbc.sql("""
                select id, channel_id, event_id, event_type as type, payload, reason, set_aside_at
                from set_aside_event
                where (cast(:channel as uuid) is null or channel_id = :channel)
                order by set_aside_at desc, id
                limit :limit""")
                .param("channel", channelId).param("limit", Math.clamp(limit, 1, 1000))
                .query(new DataClassRowMapper<>(SetAside.class)).list();
    }
}
