package com.smartchat.host.outbound;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.smartchat.channel.spi.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Paces sends so that no provider's declared {@link RateLimit} is exceeded, with the generic cell rate algorithm:
 * each limit keeps a "theoretical arrival time" per key (a channel, or a channel's conversation); a send is allowed
 * once that time, less the burst allowance, has come.
 *
 * <p>Its methods are synchronized: sends are decided one at a time, which is cheap next to a network call.
 */
final class SendPacer {

    /** State per limit and key; idle entries expire, a busy host keeps a bounded number. */
    private final Cache<String, Instant> arrivals = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(1_000_000)
            .build();

    /**
     * Reserves a send now when every limit allows it.
     *
     * @param group whether the conversation is a group or broadcast one
     * @return {@code now} when the send was reserved; otherwise the earliest time it will be allowed (nothing
     *         reserved)
     */
    synchronized Instant reserve(UUID channelId, String conversationId, boolean group, List<RateLimit> limits, Instant now) {
        Instant earliest = now;
        List<String> keys = new ArrayList<>(limits.size());
        for (RateLimit limit : limits) {
            String key = key(channelId, conversationId, group, limit);
            keys.add(key);
            if (key == null) {
                continue;
            }
            Instant allowedAt = allowedAt(arrivals.getIfPresent(key), limit);
            if (allowedAt.isAfter(earliest)) {
                earliest = allowedAt;
            }
        }
        if (earliest.isAfter(now)) {
            return earliest;
        }
        for (int i = 0; i < limits.size(); i++) {
            String key = keys.get(i);
            if (key != null) {
                Instant arrival = arrivals.getIfPresent(key);
                Instant base = arrival == null || arrival.isBefore(now) ? now : arrival;
                arrivals.put(key, base.plus(limits.get(i).interval()));
            }
        }
        return now;
    }

    /** Holds every send to a conversation until {@code until}, as a network's "retry after" asks. */
    synchronized void pause(UUID channelId, String conversationId, Instant until) {
        String key = channelId + "/pause/" + conversationId;
        arrivals.put(key, until);
    }

    /** When a paused conversation may send again, or {@code null} when it is not paused. */
    synchronized Instant pausedUntil(UUID channelId, String conversationId, Instant now) {
        Instant until = arrivals.getIfPresent(channelId + "/pause/" + conversationId);
        return until != null && until.isAfter(now) ? until : null;
    }

    private static Instant allowedAt(Instant arrival, RateLimit limit) {
        if (arrival == null) {
            return Instant.MIN;
        }
        return arrival.minus(limit.interval().multipliedBy(limit.burst() - 1L));
    }

    /** The key a limit counts under, or {@code null} when it does not apply to this conversation. */
    private static String key(UUID channelId, String conversationId, boolean group, RateLimit limit) {
        return switch (limit.scope()) {
            case CHANNEL -> channelId + "/" + limit;
            case CONVERSATION -> channelId + "/" + limit + "/" + conversationId;
            case GROUP_CONVERSATION -> group ? channelId + "/" + limit + "/" + conversationId : null;
        };
    }
}
