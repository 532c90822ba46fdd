package com.smartchat.channel.spi;

/**
 * The host could not store an inbound event. The channel must not confirm the event to the network, and should
 * deliver it again after a pause.
 */
public class DeliveryException extends Exception {

    /**
     * @param message why the event was not stored
     * @param cause the underlying failure, or {@code null}
     */
    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
