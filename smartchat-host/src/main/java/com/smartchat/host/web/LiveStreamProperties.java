package com.smartchat.host.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The live-update streams of the pages ({@code smartchat.live.*}).
 *
 * @param heartbeat how often each open stream gets a comment line, so that a closed page is noticed and released
 *                  within about this long even when nothing happens
 * @param maxStreamsPerUser the most streams one signed-in user may hold open at once (tabs), across all pages of
 *                          one kind; one more is refused with 429
 */
@ConfigurationProperties("smartchat.live")
public record LiveStreamProperties(@DefaultValue("15s") Duration heartbeat,
                                   @DefaultValue("8") int maxStreamsPerUser) {

    public LiveStreamProperties {
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("smartchat.live.heartbeat must be positive, not " + heartbeat);
        }
        if (maxStreamsPerUser < 1) {
            throw new IllegalArgumentException("smartchat.live.max-streams-per-user must be at least 1, not "
                    + maxStreamsPerUser);
        }
    }
}
