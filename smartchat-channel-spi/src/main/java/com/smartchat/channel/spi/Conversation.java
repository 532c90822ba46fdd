package com.smartchat.channel.spi;

import java.util.Objects;

/**
 * Where messages are exchanged: a private chat with one person, a group, or a broadcast channel.
 *
 * @param externalId the network's id of the conversation (a Telegram chat id); used to reply
 * @param kind private, group or broadcast
 * @param title the group's or channel's title, or {@code null} for a private chat
 */
public record Conversation(String externalId, Kind kind, String title) {

    /** The kind of conversation, which decides rate limits and how agents see it. */
    public enum Kind {
        /** One person and the channel. */
        PRIVATE,
        /** Several people (a Telegram group or supergroup). */
        GROUP,
        /** A one-way broadcast (a Telegram channel). */
        BROADCAST
    }

    public Conversation {
        Objects.requireNonNull(externalId, "A conversation needs the network's id");
        Objects.requireNonNull(kind, "A conversation needs a kind");
    }
}
