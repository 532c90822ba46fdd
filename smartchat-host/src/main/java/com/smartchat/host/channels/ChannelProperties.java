package com.smartchat.host.channels;

import java.time.Duration;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the host runs channels ({@code smartchat.channels.*}).
 *
 * @param startTimeout how long a channel's start may take before it counts as failed
 * @param stopTimeout how long a channel's stop may take before it is abandoned and reported
 * @param callTimeout how long other calls into a channel (status, open) may take
 * @param restartDelay the longest pause before the first automatic restart of a failed channel; it doubles each
 *                     time, and each pause is drawn at random from the upper half of its range
 * @param maxRestartDelay the longest pause between automatic restarts
 * @param maxRestarts automatic restarts in a row before the host gives up and waits for an admin (crash-loop cap)
 * @param stableAfter how long a channel must run before its restart count starts again from zero
 * @param startupConcurrency how many channels start at once when the host boots
 * @param startupRate how many channels start per second at most when the host boots, each at a random moment of its
 *                    slot (0: no limit); 250 starts 10,000 channels in 40 s
 * @param publicUrl the host's public base address, such as {@code https://chat.example.com}, at which networks
 *                  deliver webhooks ({@code smartchat.public-url}); without it channels poll
 * @param webhookBodyLimit the largest webhook body accepted
 * @param allowInternalAddresses whether a channel's address fields (URL fields of a provider's form) may name this
 *                               platform's own network: loopback, private, link-local, multicast and unspecified
 *                               addresses, after DNS resolution. Off by default, so that whoever may connect a
 *                               channel cannot reach internal services through it; the sandbox and tests that run
 *                               everything on one machine turn it on
 * @param validationLimit how many validations (the channel form's check, {@code .../channels/validate}) one user may
 *                        make per {@code validationWindow}; each asks a network on the user's behalf
 * @param validationWindow the time in which {@code validationLimit} validations are allowed; they come back evenly
 */
@ConfigurationProperties("smartchat.channels")
public record ChannelProperties(
        @DefaultValue("30s") Duration startTimeout,
        @DefaultValue("10s") Duration stopTimeout,
        @DefaultValue("5s") Duration callTimeout,
        @DefaultValue("2s") Duration restartDelay,
        @DefaultValue("5m") Duration maxRestartDelay,
        @DefaultValue("8") int maxRestarts,
        @DefaultValue("2m") Duration stableAfter,
        @DefaultValue("32") int startupConcurrency,
        @DefaultValue("250") int startupRate,
        String publicUrl,
        @DefaultValue("1MB") DataSize webhookBodyLimit,
        @DefaultValue("false") boolean allowInternalAddresses,
        @DefaultValue("20") int validationLimit,
        @DefaultValue("1m") Duration validationWindow) {

    /** Refuses what would stall the boot (no channel could start) or silently mean "no limit". */
    public ChannelProperties {
        if (startupConcurrency < 1) {
            throw new IllegalArgumentException("smartchat.channels.startup-concurrency must be at least 1, got "
                    + startupConcurrency);
        }
        if (startupRate < 0) {
            throw new IllegalArgumentException("smartchat.channels.startup-rate must be 0 (no limit) or more, got "
                    + startupRate);
        }
        if (validationLimit < 1 || validationWindow.isNegative() || validationWindow.isZero()) {
            throw new IllegalArgumentException("smartchat.channels.validation-limit must be at least 1 and "
                    + "smartchat.channels.validation-window longer than zero, got " + validationLimit + " per "
                    + validationWindow);
        }
    }
}
