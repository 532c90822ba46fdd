package com.smartchat.telegram;

import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A channel's status: what {@link TelegramChannel#status()} shows, and what is reported to the host when the state
 * or the reason changes. The details (bot, delivery, webhook health, confirmed offset) are read afresh on every
 * change, so that they show what the channel knows now.
 */
final class StatusBoard {

    private final ChannelContext context;
    private final Supplier<Map<String, String>> details;
    private volatile ChannelStatus status = ChannelStatus.of(ChannelState.CREATED, null, null);

    StatusBoard(ChannelContext context, Supplier<Map<String, String>> details) {
        this.context = context;
        this.details = details;
    }

    ChannelStatus current() {
        return status;
    }

    ChannelState state() {
        return status.state();
    }

    /** Sets the status; {@code report} also tells the host when the state or the reason changed. */
    synchronized void set(ChannelState state, String reason, String fixHint, boolean report) {
        ChannelStatus next = new ChannelStatus(state, reason, fixHint, details.get());
        ChannelStatus previous = status;
        status = next;
        if (report && (previous.state() != state || !Objects.equals(previous.reason(), reason))) {
            try {
                context.report(next);
            } catch (RuntimeException e) {
                context.logger().log(Level.WARNING, "The host did not take the channel's status: " + e);
            }
        }
    }

    /**
     * Moves between RUNNING and DEGRADED, reporting the change; leaves other states alone. The status is rebuilt
     * either way, so its details show what the channel knows now.
     */
    synchronized void condition(boolean healthy, String reason, String fixHint) {
        ChannelState state = status.state();
        if (state != ChannelState.RUNNING && state != ChannelState.DEGRADED && state != ChannelState.STARTING) {
            return;
        }
        if (healthy) {
            if (state == ChannelState.DEGRADED) {
                set(ChannelState.RUNNING, null, null, true);
            } else {
                set(state, status.reason(), status.fixHint(), false);
            }
        } else {
            set(ChannelState.DEGRADED, reason, fixHint, state != ChannelState.DEGRADED);
        }
    }
}
