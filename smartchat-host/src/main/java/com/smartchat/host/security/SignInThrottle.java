package com.smartchat.host.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Remembers failed password sign-ins per user name and per client address, in memory and bounded, and says when
 * either is locked out ({@link SignInProperties}). A lock-out is decided before any password is hashed, so that
 * guessing costs the host almost nothing once it is throttled. User names are compared by {@link UserNames#key}, so
 * {@code ALICE} counts against {@code alice}; names that belong to nobody are throttled the same way, so a lock-out
 * tells nothing about which accounts exist.
 */
@Component
public class SignInThrottle {

    private static final Logger log = LoggerFactory.getLogger(SignInThrottle.class);

    private final SignInProperties settings;
    private final Clock clock;
    private final Cache<String, Failures> accounts;
    private final Cache<String, Failures> addresses;

    public SignInThrottle(SignInProperties settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.accounts = cache(settings);
        this.addresses = cache(settings);
    }

    private static Cache<String, Failures> cache(SignInProperties settings) {
        return Caffeine.newBuilder().maximumSize(settings.maxTracked()).expireAfterWrite(settings.forgetAfter()).build();
    }

    /** Failures so far, and the end of the current lock-out ({@link Instant#MIN} when none). */
    private record Failures(int count, Instant lockedUntil) {
    }

    /** How long sign-ins for this name or from this address stay refused; zero when they are not. */
    public Duration lockedFor(String username, String address) {
        Instant now = clock.instant();
        Instant until = later(lockedUntil(accounts, UserNames.key(username)), lockedUntil(addresses, address));
        return until.isAfter(now) ? Duration.between(now, until) : Duration.ZERO;
    }

    /** A wrong password (or a name that belongs to nobody): counts against the name and the address. */
    public void failed(String username, String address) {
        count(accounts, UserNames.key(username), settings.accountFailures(), "user name '" + printable(username) + "'");
        if (address != null) {
            count(addresses, address, settings.addressFailures(), "client address " + address);
        }
    }

    /** The right password: the name's failures are forgotten (the address's are not: it may be trying many names). */
    public void succeeded(String username) {
        accounts.invalidate(UserNames.key(username));
    }

    private void count(Cache<String, Failures> failures, String key, int allowed, String who) {
        Instant now = clock.instant();
        Failures counted = failures.asMap().merge(key, new Failures(1, Instant.MIN),
                (before, one) -> new Failures(before.count() + 1, before.lockedUntil()));
        if (counted.count() >= allowed) {
            Duration lockout = lockout(counted.count() - allowed);
            failures.asMap().computeIfPresent(key, (k, current) -> new Failures(current.count(), now.plus(lockout)));
            // the audit line of a lock-out: whom it concerns, never a password
            log.warn("Sign-in lock-out: {} refused for {} s after {} failed sign-ins", who, lockout.toSeconds(),
                    counted.count());
        }
    }

    /** 1 s for the first lock-out, doubling with each further failure, up to the maximum. */
    private Duration lockout(int beyond) {
        long seconds = beyond >= 30 ? Long.MAX_VALUE : 1L << beyond;
        return seconds >= settings.maxLockout().toSeconds() ? settings.maxLockout() : Duration.ofSeconds(seconds);
    }

    private static Instant lockedUntil(Cache<String, Failures> failures, String key) {
        Failures found = key == null ? null : failures.getIfPresent(key);
        return found == null ? Instant.MIN : found.lockedUntil();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** A typed user name as a log line may show it: no line breaks or other controls, not too long. */
    private static String printable(String username) {
        String text = username == null ? "" : username.length() > 100 ? username.substring(0, 100) + "…" : username;
        return text.replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", "?");
    }
}
