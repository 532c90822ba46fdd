package com.smartchat.host.channels;

import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.InboundEvent;
import java.util.UUID;

/** Stores what channels receive, durably and once per event id; the inbox implements it. */
public interface InboundEventStore {

    /**
     * Stores one event of a channel, or nothing when it was stored before.
     *
     * @throws DeliveryException when it could not be stored
     */
    void store(UUID channelId, InboundEvent event) throws DeliveryException;
}
