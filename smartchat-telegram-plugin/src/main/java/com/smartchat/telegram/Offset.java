package com.smartchat.telegram;

/**
 * The {@code offset} of the next getUpdates: one past the highest update the host stored or set aside, so that
 * Telegram confirms nothing else. It only moves forward (an update read again after a restart does not take it
 * back), and it outlives a run of the channel, so that a restart asks for nothing already stored.
 */
final class Offset {

    /** {@code null} until the first update: Telegram then starts from the oldest unconfirmed one. */
    private volatile Integer next;

    Integer next() {
        return next;
    }

    /** The update with this id was stored or set aside. */
    synchronized void passed(int updateId) {
        if (next == null || updateId + 1 > next) {
            next = updateId + 1;
        }
    }
}
