package com.smartchat.host.channels;

import com.smartchat.channel.spi.ChannelState;
import java.time.OffsetDateTime;

/**
 * One entry of a channel's history: a state change ({@code STATE}) or an admin action ({@code AUDIT}).
 *
 * @param state the new state, for a state change
 * @param reason why, for a state change; what was done, for an admin action
 * @param actor who acted, for an admin action
 * @param action what the admin did: created, updated, token-replaced, started, stopped, restarted, deleted
 */
public record ChannelEvent(OffsetDateTime at, String kind, ChannelState state, String reason, String fixHint,
                           String actor, String action) {
}
