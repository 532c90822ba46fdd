package com.smartchat.channel.spi;

import java.util.List;

/**
 * Where a channel hands what it receives. {@link #deliver(InboundEvent)} returns only once the host has stored the
 * event durably; only then may the channel confirm it to the network (Telegram: ask for the next update offset;
 * a webhook: answer 200). When it throws, nothing is confirmed and the network delivers again later.
 *
 * <p>That makes delivery at-least-once from the network; the host makes it exactly-once in effect by ignoring an
 * event whose {@link InboundEvent#eventId()} it already stored for this channel. So deliver again whenever in
 * doubt: a duplicate costs nothing, a confirmed event that was not stored is lost.
 *
 * <p>No input may stall a channel. An event whose id the network did not give (or gave unusable) is never
 * delivered under an id the channel made up: hand it to {@link #setAside} instead. And an event that {@code deliver}
 * still refuses after a bounded number of attempts (a few, with backoff: long enough to ride out a brief database
 * hiccup) is set aside too, so that the channel confirms it and moves on to the next one.
 */
public interface InboundSink {

    /**
     * Stores one event, or does nothing when it was stored before.
     *
     * @throws DeliveryException when the host could not store it (its database is down, it is shutting down): do
     *         not confirm the event; try again later with backoff
     */
    void deliver(InboundEvent event) throws DeliveryException;

    /**
     * Stores a batch of events received together (one poll's answer), in order, in one go: a host stores the whole
     * batch durably or, when this throws, none of it. Prefer it to delivering events one by one whenever the
     * network hands over several at once: the host commits once instead of once per event. Confirm the batch only
     * after this returned.
     *
     * <p>When it throws, deliver the events one by one to find out which one cannot be stored (and set that one aside
     * after a bounded number of attempts, as for {@link #deliver(InboundEvent)}): the others then go through, and
     * what the failed batch may have stored is ignored as a duplicate.
     *
     * <p>The default delivers the events one by one, so that a host older than this method still runs the plugin; it
     * then stores the events before the one that failed.
     *
     * @param events the batch, in the order the network gave it; may be empty
     * @throws DeliveryException as {@link #deliver(InboundEvent)}
     * @since 1.2
     */
    default void deliver(List<? extends InboundEvent> events) throws DeliveryException {
        for (InboundEvent event : events) {
            deliver(event);
        }
    }

    /**
     * Keeps something the channel received but cannot have stored as an event, raw, with the reason, for the
     * platform's admins to see; only once this returned may the channel confirm it to the network. Setting aside
     * the same {@code eventId} (or, without one, the same payload) again does nothing.
     *
     * <p>The default throws, as a host that cannot set aside would: the channel then keeps trying as it would for
     * a failed {@code deliver}.
     *
     * @param eventId the network's id of it, or {@code null} when it has none that can be used
     * @param type the network's name for its kind, such as {@code message} or {@code inline_query}
     * @param payload the network's own representation, as received (JSON for Telegram); never containing a
     *                credential
     * @param reason why it is set aside, for an admin: such as "no update_id" or the last delivery failure
     * @throws DeliveryException when the host could not keep it either: do not confirm it; try again later
     * @since 1.2
     */
    default void setAside(String eventId, String type, String payload, String reason) throws DeliveryException {
        throw new DeliveryException("This host cannot set events aside", null);
    }
}
