package com.smartchat.channel.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The host's answer to a webhook request, as the channel decides it. Answer 2xx only for a request whose events
 * were delivered to {@link ChannelContext#inbound()}: any other status makes the network send them again. When the
 * sink threw, answer 503 (or whatever status your network resends on), with {@code Retry-After} if it honours one:
 * <pre>{@code
 * return WebhookResponse.of(503, "Not stored; send it again.").withHeader("Retry-After", "5");
 * }</pre>
 *
 * <p>The host sends the body in UTF-8 as {@code text/plain}, unless a {@code Content-Type} header of
 * {@code text/plain} or {@code application/json} says otherwise.
 *
 * @param status the HTTP status
 * @param body a short text body, or {@code ""}; never a secret
 * @param headers headers to send with the answer, by name (see {@link #withHeader}); empty for none
 */
public record WebhookResponse(int status, String body, Map<String, String> headers) {

    /**
     * The most headers an answer may carry: a handshake or a retry needs one or two.
     *
     * @since 1.4
     */
    public static final int MAX_HEADERS = 10;

    /**
     * The longest header value an answer may carry, in characters.
     *
     * @since 1.4
     */
    public static final int MAX_HEADER_VALUE = 512;

    /** A header name as HTTP defines it (RFC 9110's token). */
    private static final Pattern NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
    /** Visible ASCII, spaces and tabs: no line break, so that no value can start a header or a body of its own. */
    private static final Pattern VALUE = Pattern.compile("[\\x20-\\x7E\\t]*");
    /**
     * Headers the host owns, in lower case: how the answer is framed and the connection used, cookies, redirects,
     * and what tells browsers how to treat the host's pages. A webhook answer must not change those.
     */
    private static final Set<String> HOST_HEADERS = Set.of("connection", "content-length", "keep-alive",
            "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "set-cookie", "set-cookie2",
            "location", "refresh", "content-security-policy", "content-security-policy-report-only",
            "strict-transport-security", "x-frame-options", "x-content-type-options", "x-xss-protection",
            "content-disposition", "link");
    /** The content types a webhook answer may have: none that a browser would run as a page of the host's. */
    private static final Set<String> CONTENT_TYPES = Set.of("text/plain", "application/json");

    /**
     * @throws IllegalArgumentException when the status is not an HTTP status, or a header is one
     *         {@link #withHeader} refuses
     */
    public WebhookResponse {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("Not an HTTP status: " + status);
        }
        body = body == null ? "" : body;
        headers = checked(headers == null ? Map.of() : headers);
    }

    /** An answer without headers, as before SPI 1.4. */
    public WebhookResponse(int status, String body) {
        this(status, body, Map.of());
    }

    /** The events were stored: 200. */
    public static WebhookResponse ok() {
        return new WebhookResponse(200, "");
    }

    /** Any other answer. */
    public static WebhookResponse of(int status, String body) {
        return new WebhookResponse(status, body);
    }

    /**
     * This answer with one more header, replacing one of the same name in any case, such as
     * {@code withHeader("Retry-After", "30")}.
     *
     * <p>Allowed: up to {@value #MAX_HEADERS} headers, each named as HTTP names them and with a value of visible
     * ASCII characters and spaces, at most {@value #MAX_HEADER_VALUE} long; {@code Content-Type} only as
     * {@code text/plain} or {@code application/json}. Refused, because the host owns them: the connection and framing
     * headers ({@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}...), {@code Set-Cookie},
     * {@code Location}, {@code Refresh}, {@code Link}, {@code Content-Disposition} and the browser security headers
     * ({@code Content-Security-Policy}, {@code Strict-Transport-Security}, {@code X-Frame-Options},
     * {@code X-Content-Type-Options}, {@code X-XSS-Protection}). Never put a secret in a header.
     *
     * @throws IllegalArgumentException when the header is not allowed, saying why
     * @since 1.4
     */
    public WebhookResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>();
        headers.forEach((existing, existingValue) -> {
            if (!existing.equalsIgnoreCase(name)) {
                more.put(existing, existingValue);
            }
        });
        more.put(name, value);
        return new WebhookResponse(status, body, more);
    }

    private static Map<String, String> checked(Map<String, String> headers) {
        if (headers.size() > MAX_HEADERS) {
            throw new IllegalArgumentException("A webhook answer carries at most " + MAX_HEADERS + " headers, not "
                    + headers.size());
        }
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Not an HTTP header name: '" + name + "'");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOST_HEADERS.contains(lower) || lower.startsWith("access-control-")) {
                throw new IllegalArgumentException("A webhook answer cannot set " + name + ": the host owns it");
            }
            if (value == null || value.length() > MAX_HEADER_VALUE || !VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException("The value of header " + name + " must be at most "
                        + MAX_HEADER_VALUE + " visible ASCII characters and spaces, without line breaks");
            }
            if (lower.equals("content-type") && !CONTENT_TYPES.contains(value.strip().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("A webhook answer is text/plain or application/json, not '"
                        + value + "'");
            }
            if (copy.keySet().stream().anyMatch(name::equalsIgnoreCase)) {
                throw new IllegalArgumentException("Header " + name + " is given twice");
            }
            copy.put(name, value);
        });
        return Collections.unmodifiableMap(copy);
    }
}
