package com.smartchat.channel.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A channel's condition: its state, why, and what an admin can do about it.
 *
 * @param state where the channel stands
 * @param reason what happened, in a sentence an admin understands, or {@code null} when all is well
 * @param fixHint what the admin can do, such as "Paste a new token from BotFather's /token", or {@code null}
 * @param details facts for health output, such as a webhook's pending update count; never a secret
 */
public record ChannelStatus(ChannelState state, String reason, String fixHint, Map<String, String> details) {

    public ChannelStatus {
        Objects.requireNonNull(state, "A status needs a state");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** Running, nothing to report. */
    public static ChannelStatus running() {
        return new ChannelStatus(ChannelState.RUNNING, null, null, Map.of());
    }

    /** A state with its reason and fix hint. */
    public static ChannelStatus of(ChannelState state, String reason, String fixHint) {
        return new ChannelStatus(state, reason, fixHint, Map.of());
    }
}
