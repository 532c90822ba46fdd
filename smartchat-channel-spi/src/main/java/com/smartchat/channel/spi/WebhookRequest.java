package com.smartchat.channel.spi;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A request the network sent to the channel's webhook address ({@link ChannelContext#webhookUrl()}), as the host
 * received it. The host checks nothing but its size: verifying that it comes from the network (a secret header, a
 * signature) is the channel's job.
 *
 * @param headers the request's headers, names in lower case
 * @param body the request's body, at most the host's limit (1 MiB by default)
 */
public record WebhookRequest(Map<String, List<String>> headers, byte[] body) {

    public WebhookRequest {
        headers = headers.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                entry -> entry.getKey().toLowerCase(Locale.ROOT), entry -> List.copyOf(entry.getValue()),
                (first, second) -> first));
        body = body.clone();
    }

    /** The first value of a header, by name in any case. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** Names the headers and the body's size, never their values: a header may carry a secret. */
    @Override
    public String toString() {
        return "WebhookRequest[headers=" + headers.keySet() + ", body=" + body.length + " bytes]";
    }
}
