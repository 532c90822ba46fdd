package com.smartchat.channel.spi;

import java.util.Objects;

/**
 * A person on the network who talks to the channel.
 *
 * @param externalId the network's stable id of the person (a Telegram user id)
 * @param displayName the name to show agents, such as {@code Alice Smith}
 * @param username the person's handle without {@code @}, or {@code null}
 * @param languageCode the person's language as an IETF tag, such as {@code en}, or {@code null}
 */
public record AudienceMember(String externalId, String displayName, String username, String languageCode) {

    public AudienceMember {
        Objects.requireNonNull(externalId, "An audience member needs the network's id");
        displayName = displayName == null || displayName.isBlank() ? externalId : displayName;
    }
}
