package com.smartchat.host.channels;

import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.InboundEvent;
import java.util.List;
import java.util.UUID;

/** Stores what channels receive, durably and once per event id; the conversations feature implements it. */
public interface InboundEventStore {

    /**
     * Stores one event of a channel, or nothing when it was stored before.
     *
     * @throws DeliveryException when it could not be stored
     */
    void store(UUID channelId, InboundEvent event) throws DeliveryException;

    /**
     * Stores events a channel received together in one transaction: all of them (but those stored before), or,
     * when it throws, none.
     *
     * @throws DeliveryException when they could not be stored
     */
    void store(UUID channelId, List<? extends InboundEvent> events) throws DeliveryException;

    /**
     * Keeps what a channel received but could not have stored, raw, with the reason, once per event id (or, without
     * one, per payload): see {@link com.smartchat.channel.spi.InboundSink#setAside}.
     *
     * @throws DeliveryException when it could not be kept either
     */
    void setAside(UUID channelId, String eventId, String type, String payload, String reason)
            throws DeliveryException;
}
