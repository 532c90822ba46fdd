package com.smartchat.host.outbound;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the host sends ({@code smartchat.outbound.*}).
 *
 * @param batchSize how many due messages one dispatcher round claims
 * @param lease how long a claimed message is reserved for its dispatcher
 * @param sendTimeout how long the host waits for the answer to a send; without one by then the message may or may
 *                    not have been delivered and is marked uncertain
 * @param retryDelay the longest pause after the first transient failure; it doubles each time, and each pause is
 *                   drawn at random from the upper half of its range
 * @param maxRetryDelay the longest pause between attempts
 * @param maxAttempts attempts before a message that keeps failing transiently is marked failed
 * @param idlePoll how often an idle dispatcher looks for due messages it was not told about
 * @param drainTimeout how long shutdown waits for sends under way
 */
@ConfigurationProperties("smartchat.outbound")
public record OutboundProperties(
        @DefaultValue("200") int batchSize,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("30s") Duration sendTimeout,
        @DefaultValue("1s") Duration retryDelay,
        @DefaultValue("5m") Duration maxRetryDelay,
        @DefaultValue("10") int maxAttempts,
        @DefaultValue("500ms") Duration idlePoll,
        @DefaultValue("10s") Duration drainTimeout) {
}
