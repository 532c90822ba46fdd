package com.smartchat.channel.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A request the network sent to the channel's webhook address ({@link ChannelContext#webhookUrl()}), as the host
 * received it. The host checks nothing but its method and size: verifying that it comes from the network (a secret
 * header, a signature) is the channel's job.
 *
 * <p>Most requests are {@code POST}s that carry events. Some networks also check an address before they use it, with
 * a {@code GET} whose query holds a challenge to echo (Meta's {@code hub.challenge}, for example): answer such a
 * request with the challenge as the body only once its other parameters prove it comes from the network. The host
 * passes {@code GET} requests only to plugins built against SPI 1.4 or later, and answers other methods 405 itself.
 *
 * @param headers the request's headers, names in lower case
 * @param body the request's body, at most the host's limit (1 MiB by default); empty for a {@code GET}
 * @param method {@code POST} or {@code GET}
 * @param parameters the parameters of the address's query, decoded, in order (a {@code POST}'s form body is not
 *                   read into them: it is in {@code body}); empty when there is no query. Their size is bounded by
 *                   the host's limit on a request's head (8 KiB by default)
 */
public record WebhookRequest(Map<String, List<String>> headers, byte[] body, String method,
                             Map<String, List<String>> parameters) {

    /** The methods the host hands to a channel. */
    private static final List<String> METHODS = List.of("POST", "GET");

    /**
     * @throws IllegalArgumentException when the method is neither {@code POST} nor {@code GET}
     * @since 1.4
     */
    public WebhookRequest {
        headers = copy(headers, true);
        body = body.clone();
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("A webhook request is a POST or a GET, not " + method);
        }
        parameters = copy(parameters, false);
    }

    /** A {@code POST} without query parameters, as every request was before SPI 1.4. */
    public WebhookRequest(Map<String, List<String>> headers, byte[] body) {
        this(headers, body, "POST", Map.of());
    }

    /** The first value of a header, by name in any case. */
    public Optional<String> header(String name) {
        return first(headers, name.toLowerCase(Locale.ROOT));
    }

    /**
     * The first value of a query parameter, by its exact name.
     *
     * @since 1.4
     */
    public Optional<String> parameter(String name) {
        return first(parameters, name);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** Names the method, headers, parameters and the body's size, never their values: one may carry a secret. */
    @Override
    public String toString() {
        return "WebhookRequest[" + method + ", headers=" + headers.keySet() + ", parameters=" + parameters.keySet()
                + ", body=" + body.length + " bytes]";
    }

    private static Optional<String> first(Map<String, List<String>> values, String name) {
        List<String> found = values.get(name);
        return found == null || found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> values, boolean lowerCaseNames) {
        // a LinkedHashMap keeps the network's order, which a signature over the query may depend on
        return values.entrySet().stream().collect(Collectors.collectingAndThen(Collectors.toMap(
                entry -> lowerCaseNames ? entry.getKey().toLowerCase(Locale.ROOT) : entry.getKey(),
                entry -> List.copyOf(entry.getValue()), (first, second) -> first,
                LinkedHashMap::new), Collections::unmodifiableMap));
    }
}
