package com.smartchat.host.outbound;

import java.util.List;

/**
 * Messages were queued and claimed by this host; published in the queuing transaction, acted upon after its commit.
 * One event for all the messages a transaction queued: each event costs a listener lookup and a synchronization.
 *
 * @param pending what sending them needs, in the order they were queued
 */
record MessageQueued(List<OutboundQueue.Pending> pending) {
}
