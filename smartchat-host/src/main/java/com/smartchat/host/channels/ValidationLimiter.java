package com.smartchat.host.channels;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/**
 * How often one user may have channel settings validated: each validation makes a plugin ask a network, so without
 * a limit the form is a tool for probing addresses (issue 10). A token bucket per user name, in memory: it holds
 * {@code smartchat.channels.validation-limit} validations, which come back evenly over
 * {@code smartchat.channels.validation-window}. One host's count: a second host counts on its own.
 */
@Component
public class ValidationLimiter {

    private final int limit;
    private final long windowNanos;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public ValidationLimiter(ChannelProperties properties) {
        this.limit = properties.validationLimit();
        this.windowNanos = properties.validationWindow().toNanos();
    }

    /** What is left in one user's bucket, in validations (a fraction while one comes back). */
    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }

    /**
     * Takes one validation from the user's allowance.
     *
     * @throws ChannelRequestException {@link ChannelRequestException.Reason#RATE_LIMITED} with the wait, when none
     *                                 is left
     */
    public void acquire(String user) {
        long now = System.nanoTime();
        double perNano = (double) limit / windowNanos;
        Bucket bucket = buckets.computeIfAbsent(user, name -> new Bucket(limit, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.updatedNanos) * perNano);
            bucket.updatedNanos = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return;
            }
            Duration wait = Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) / perNano));
            throw new ChannelRequestException("Too many checks of channel settings: at most " + limit + " per "
                    + describe(Duration.ofNanos(windowNanos)) + ". Try again in " + seconds(wait) + " s.", wait);
        }
    }

    private static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    private static String describe(Duration window) {
        return window.equals(Duration.ofMinutes(1)) ? "minute" : window.toSeconds() + " s";
    }
}
