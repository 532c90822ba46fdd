package com.smartchat.host.spaces;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A Space of the platform: the channels connected to it bring its conversations. */
public record Space(UUID id, String name, OffsetDateTime createdAt) {
}
