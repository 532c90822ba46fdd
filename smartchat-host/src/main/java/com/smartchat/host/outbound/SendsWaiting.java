package com.smartchat.host.outbound;

import java.util.UUID;

/** Messages for a channel this host sends for were queued on another host: the dispatcher looks in the queue. */
public record SendsWaiting(UUID channelId) {
}
