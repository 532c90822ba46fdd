package com.smartchat.host.channels;

import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.FormSchema;
import com.smartchat.host.channels.ChannelRecord.ChannelIdentity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Stores channels and their history (state changes and the admin audit trail). */
@Repository
public class ChannelRepository {

    private final JdbcClient jdbc;
    private final Clock clock;

    private final ApplicationEventPublisher events;

    private final JsonMapper json;

    public ChannelRepository(JdbcClient jdbc, Clock clock, ApplicationEventPublisher events, JsonMapper json) {
        this.events = events;
        this.json = json;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Saves a new channel in state CREATED. */
    @Transactional
    public void insert(ChannelRecord channel) {
        jdbc.sql("""
                insert into channel (id, space_id, provider, name, settings_version, settings, secrets, enabled, state,
                    state_since, generation, identity_id, identity_name, identity_username, identity_link,
                    created_at, updated_at, webhook_id)
                values (:id, :spaceId, :provider, :name, :settingsVersion, :settings, :secrets, :enabled, :state,
                    :now, 0, :identityId, :identityName, :identityUsername, :identityLink, :now, :now, :webhookId)""")
                .param("id", channel.id())
                .param("spaceId", channel.spaceId())
                .param("provider", channel.provider())
                .param("name", channel.name())
                .param("settingsVersion", channel.settingsVersion())
                .param("settings", channel.settingsJson())
                .param("secrets", channel.secretsCiphertext())
                .param("enabled", channel.enabled())
                .param("state", channel.state().name())
                .param("now", now())
                .param("identityId", identityPart(channel.identity(), ChannelIdentity::id))
                .param("identityName", identityPart(channel.identity(), ChannelIdentity::displayName))
                .param("identityUsername", identityPart(channel.identity(), ChannelIdentity::username))
                .param("identityLink", identityPart(channel.identity(), ChannelIdentity::link))
                .param("webhookId", channel.webhookId())
                .update();
        insertEvent(channel.id(), "STATE", channel.state(), "Created", null, 0L, null, null);
    }

    public Optional<ChannelRecord> find(UUID id) {
        return jdbc.sql("select * from channel where id = :id and deleted_at is null").param("id", id).query(ChannelRepository::map).optional();
    }

    /** The channel whose webhook address ends in this id. */
    public Optional<ChannelRecord> findByWebhookId(String webhookId) {
        return jdbc.sql("select * from channel where webhook_id = :webhookId and deleted_at is null")
                .param("webhookId", webhookId).query(ChannelRepository::map).optional();
    }

    /** Gives a channel made before webhooks existed its webhook id. */
    public void assignWebhookId(UUID id, String webhookId) {
        jdbc.sql("update channel set webhook_id = :webhookId where id = :id and webhook_id is null")
                .param("webhookId", webhookId).param("id", id).update();
    }

    public List<ChannelRecord> findBySpace(UUID spaceId) {
        return jdbc.sql("select * from channel where space_id = :spaceId and deleted_at is null order by created_at, id")
                .param("spaceId", spaceId).query(ChannelRepository::map).list();
    }

    /** Every channel, for health and metrics. */
    public List<ChannelRecord> findAll() {
        return jdbc.sql("select * from channel where deleted_at is null order by created_at, id")
                .query(ChannelRepository::map).list();
    }

    /** The channels an admin wants running, for start-up. */
    public List<ChannelRecord> findEnabled() {
        return jdbc.sql("select * from channel where enabled = true and deleted_at is null order by created_at, id")
                .query(ChannelRepository::map).list();
    }

    /** Records a state change and its history entry; returns the new generation. */
    @Transactional
    public long recordState(UUID id, ChannelState state, String reason, String fixHint) {
        jdbc.sql("""
                update channel set state = :state, state_reason = :reason, fix_hint = :fixHint, state_since = :now,
                    generation = generation + 1, updated_at = :now
                where id = :id""")
                .param("state", state.name()).param("reason", reason).param("fixHint", fixHint)
                .param("now", now()).param("id", id)
                .update();
        Long generation = jdbc.sql("select generation from channel where id = :id").param("id", id)
                .query(Long.class).optional().orElse(0L);
        insertEvent(id, "STATE", state, reason, fixHint, generation, null, null);
        return generation;
    }

    /** Records whether the admin wants the channel running. */
    public void setEnabled(UUID id, boolean enabled) {
        jdbc.sql("update channel set enabled = :enabled, updated_at = :now where id = :id")
                .param("enabled", enabled).param("now", now()).param("id", id).update();
    }

    /** Replaces the configuration of a channel. */
    @Transactional
    public void updateSettings(UUID id, String name, int settingsVersion, String settingsJson, String secretsCiphertext,
                               ChannelIdentity identity) {
        jdbc.sql("""
                update channel set name = :name, settings_version = :settingsVersion, settings = :settings,
                    secrets = :secrets, identity_id = :identityId, identity_name = :identityName,
                    identity_username = :identityUsername, identity_link = :identityLink, updated_at = :now
                where id = :id""")
                .param("name", name).param("settingsVersion", settingsVersion).param("settings", settingsJson)
                .param("secrets", secretsCiphertext)
                .param("identityId", identityPart(identity, ChannelIdentity::id))
                .param("identityName", identityPart(identity, ChannelIdentity::displayName))
                .param("identityUsername", identityPart(identity, ChannelIdentity::username))
                .param("identityLink", identityPart(identity, ChannelIdentity::link))
                .param("now", now()).param("id", id)
                .update();
    }

    /** Adds an entry to the admin audit trail: who did what to a channel, never with a secret. */
    public void audit(UUID id, String actor, String action, String detail) {
        insertEvent(id, "AUDIT", null, detail, null, null, actor, action);
    }

    /** The channel's history, newest first. */
    public List<ChannelEvent> history(UUID id, int limit) {
        return jdbc.sql("select * from channel_event where channel_id = :id order by id desc limit :limit")
                .param("id", id).param("limit", limit)
                .query((rs, row) -> new ChannelEvent(
                        rs.getObject("at", OffsetDateTime.class),
                        rs.getString("kind"),
                        rs.getString("state") == null ? null : ChannelState.valueOf(rs.getString("state")),
                        rs.getString("reason"),
                        rs.getString("fix_hint"),
                        rs.getString("actor"),
                        rs.getString("action")))
                .list();
    }

    /** The channel's greeting for a new member of its audience, when it has one. */
    public Optional<String> greeting(UUID id) {
        String settings = jdbc.sql("select settings from channel where id = :id").param("id", id)
                .query(String.class).single();
        JsonNode greeting = json.readTree(settings).get(FormSchema.GREETING);
        return greeting != null && greeting.isString() && !greeting.asString().isBlank()
                ? Optional.of(greeting.asString()) : Optional.empty();
    }

    /**
     * Deletes a channel: with its history, or keeping its conversations for the record. The features that keep a
     * channel's history learn of a purge from {@link ChannelPurged}, in this transaction, and delete theirs first.
     */
    @Transactional
    public void delete(UUID id, boolean purgeHistory) {
        if (purgeHistory) {
            events.publishEvent(new ChannelPurged(id));
            jdbc.sql("delete from channel_event where channel_id = :id").param("id", id).update();
            jdbc.sql("delete from channel where id = :id").param("id", id).update();
        } else {
            jdbc.sql("update channel set deleted_at = :now, enabled = false, secrets = :none where id = :id")
                    .param("now", now()).param("none", "").param("id", id).update();
        }
    }

    private void insertEvent(UUID id, String kind, ChannelState state, String reason, String fixHint,
                             Long generation, String actor, String action) {
        jdbc.sql("""
                insert into channel_event (channel_id, at, kind, state, reason, fix_hint, generation, actor, action)
                values (:id, :at, :kind, :state, :reason, :fixHint, :generation, :actor, :action)""")
                .param("id", id).param("at", now()).param("kind", kind)
                .param("state", state == null ? null : state.name())
                .param("reason", reason).param("fixHint", fixHint).param("generation", generation)
                .param("actor", actor).param("action", action)
                .update();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static String identityPart(ChannelIdentity identity, java.util.function.Function<ChannelIdentity, String> part) {
        return identity == null ? null : part.apply(identity);
    }

    private static ChannelRecord map(ResultSet rs, int row) throws SQLException {
        String identityName = rs.getString("identity_name"); // every identity has a name; not every one an id
        return new ChannelRecord(
                rs.getObject("id", UUID.class),
                rs.getObject("space_id", UUID.class),
                rs.getString("provider"),
                rs.getString("name"),
                rs.getInt("settings_version"),
                rs.getString("settings"),
                rs.getString("secrets"),
                rs.getBoolean("enabled"),
                ChannelState.valueOf(rs.getString("state")),
                rs.getString("state_reason"),
                rs.getString("fix_hint"),
                rs.getObject("state_since", OffsetDateTime.class),
                rs.getLong("generation"),
                identityName == null ? null : new ChannelIdentity(rs.getString("identity_id"), identityName,
                        rs.getString("identity_username"), rs.getString("identity_link")),
                rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class),
                rs.getString("webhook_id"));
    }
}
