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
     * Stores events in order. The default delivers them one by one; when it throws, the events before the failed
     * one are stored and the rest are not.
     *
     * @throws DeliveryException as {@link #deliver(InboundEvent)}
     */
    default void deliverAll(List<? extends InboundEvent> events) throws DeliveryException {
        for (InboundEvent event : events) {
            deliver(event);
        }
    }
}
