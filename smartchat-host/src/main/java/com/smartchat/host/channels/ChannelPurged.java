package com.smartchat.host.channels;

import java.util.UUID;

/**
 * Published inside the transaction that deletes a channel with its history, before its row goes: a feature that
 * keeps rows of the channel deletes them in a synchronous listener, in the same transaction, so that the purge
 * commits whole or not at all.
 */
public record ChannelPurged(UUID channelId) {
}
