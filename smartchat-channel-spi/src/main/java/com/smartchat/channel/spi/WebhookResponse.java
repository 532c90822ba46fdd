package com.smartchat.channel.spi;

/**
 * The host's answer to a webhook request, as the channel decides it. Answer 2xx only for a request whose events
 * were delivered to {@link ChannelContext#inbound()}: any other status makes the network send them again.
 *
 * @param status the HTTP status
 * @param body a short text body, or {@code ""}; never a secret
 */
public record WebhookResponse(int status, String body) {

    public WebhookResponse {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("Not an HTTP status: " + status);
        }
        body = body == null ? "" : body;
    }

    /** The events were stored: 200. */
    public static WebhookResponse ok() {
        return new WebhookResponse(200, "");
    }

    /** Any other answer. */
    public static WebhookResponse of(int status, String body) {
        return new WebhookResponse(status, body);
    }
}
