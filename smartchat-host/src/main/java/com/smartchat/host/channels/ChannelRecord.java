package com.smartchat.host.channels;

import com.smartchat.channel.spi.ChannelState;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A channel as stored: its configuration (secrets still encrypted) and its last known state.
 *
 * @param settingsJson the non-secret form values as a JSON object
 * @param secretsCiphertext the secret form values as an encrypted JSON object
 * @param enabled whether the admin wants it running
 * @param identity the account it connects, as the provider's validation found it, or {@code null}
 * @param webhookId the opaque last part of the channel's webhook address
 */
public record ChannelRecord(
        UUID id,
        UUID spaceId,
        String provider,
        String name,
        int settingsVersion,
        String settingsJson,
        String secretsCiphertext,
        boolean enabled,
        ChannelState state,
        String stateReason,
        String fixHint,
        OffsetDateTime stateSince,
        long generation,
        ChannelIdentity identity,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        String webhookId) {

    /**
     * The account a channel connects, kept for its page and for same-account checks when a credential is replaced.
     *
     * @param id the network's id of the account, or {@code null} when the channel connects none (a webhook)
     */
    public record ChannelIdentity(String id, String displayName, String username, String link) {
    }
}
