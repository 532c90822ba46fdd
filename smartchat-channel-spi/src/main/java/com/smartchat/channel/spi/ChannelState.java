package com.smartchat.channel.spi;

/** Where a channel stands in its life. The host stores every change with its reason and fix hint. */
public enum ChannelState {
    /** Configured, never started. */
    CREATED,
    /** {@link Channel#start()} is running. */
    STARTING,
    /** Receiving and sending. */
    RUNNING,
    /** Running with a problem that may pass, such as a slow or failing network; no action needed yet. */
    DEGRADED,
    /**
     * Stopped until an admin acts, for example a revoked token or another program receiving the same updates: the
     * host does not restart it by itself.
     */
    NEEDS_ATTENTION,
    /** Stopped by an error; the host restarts it with growing delays, up to a limit. */
    FAILED,
    /** Stopped by an admin. */
    STOPPED
}
