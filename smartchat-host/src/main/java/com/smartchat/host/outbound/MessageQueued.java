package com.smartchat.host.outbound;

/**
 * A message was queued and claimed by this host; published in the queuing transaction, acted upon after its commit.
 *
 * @param pending what sending it needs
 */
record MessageQueued(OutboundQueue.Pending pending) {
}
