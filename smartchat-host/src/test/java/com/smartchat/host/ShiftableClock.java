package com.smartchat.host;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system's clock, which a test can move forward, so that waiting for a lock-out to end takes no time, and stop,
 * so that a lock-out cannot end while a loaded machine is slow to send the next request.
 */
public final class ShiftableClock extends Clock {

    private volatile Duration shift = Duration.ZERO;
    /** The time while stopped, else {@code null}. */
    private volatile Instant stoppedAt;

    /** Moves the clock forward. */
    public synchronized void advance(Duration by) {
        if (stoppedAt != null) {
            stoppedAt = stoppedAt.plus(by);
        } else {
            shift = shift.plus(by);
        }
    }

    /** Stops the clock where it is: from now on only {@link #advance} moves it. */
    public synchronized void stop() {
        stoppedAt = instant();
    }

    @Override
    public Instant instant() {
        Instant stopped = stoppedAt;
        return stopped != null ? stopped : Instant.now().plus(shift);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
