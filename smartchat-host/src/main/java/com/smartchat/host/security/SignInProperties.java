package com.smartchat.host.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How failed password sign-ins are throttled ({@code smartchat.sign-in.*}), for the sign-in form and HTTP Basic
 * alike. After the allowed failures, each further failure locks the account (or the client address) for twice as
 * long as the one before, from one second up to {@code maxLockout}; during a lock-out every password attempt is
 * answered 429 without being checked.
 *
 * @param accountFailures failed attempts on one user name before lock-outs begin
 * @param addressFailures failed attempts from one client address (on any user names) before lock-outs begin; the
 *                        client address is the connection's, or the one a trusted proxy reports when
 *                        {@code server.forward-headers-strategy} is set
 * @param maxLockout the longest lock-out
 * @param forgetAfter how long after the last failure the failures are forgotten
 * @param maxTracked how many user names and how many addresses are remembered at most (the memory bound)
 */
@ConfigurationProperties("smartchat.sign-in")
public record SignInProperties(
        @DefaultValue("5") int accountFailures,
        @DefaultValue("15") int addressFailures,
        @DefaultValue("15m") Duration maxLockout,
        @DefaultValue("1h") Duration forgetAfter,
        @DefaultValue("100000") int maxTracked) {

    public SignInProperties {
        if (accountFailures < 1 || addressFailures < 1) {
            throw new IllegalArgumentException("smartchat.sign-in.account-failures and address-failures must be at "
                    + "least 1, got " + accountFailures + " and " + addressFailures);
        }
        if (maxLockout.toSeconds() < 1 || forgetAfter.compareTo(maxLockout) < 0) {
            throw new IllegalArgumentException("smartchat.sign-in.max-lockout must be at least 1s and forget-after at "
                    + "least as long, got " + maxLockout + " and " + forgetAfter);
        }
    }
}
