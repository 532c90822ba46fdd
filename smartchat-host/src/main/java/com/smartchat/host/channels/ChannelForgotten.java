package com.smartchat.host.channels;

import java.util.UUID;

/**
 * Another host deleted a channel with its history ({@link ChannelPurged} there): what this host remembers of the
 * channel's audience and conversations is gone from the database, and must be forgotten here too.
 */
public record ChannelForgotten(UUID channelId) {
}
