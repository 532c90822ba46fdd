package com.smartchat.channel.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Proof that the network accepted a message.
 *
 * @param messageIds the network's ids of the messages sent, several when the text was split
 * @param sentAt when the network accepted the last of them
 */
public record SendReceipt(List<String> messageIds, Instant sentAt) {

    public SendReceipt {
        messageIds = List.copyOf(messageIds);
        if (messageIds.isEmpty()) {
            throw new IllegalArgumentException("A receipt names at least one message");
        }
        Objects.requireNonNull(sentAt, "A receipt needs its time");
    }
}
