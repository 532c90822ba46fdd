package com.smartchat.host.channels;

import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.spi.WebhookResponse;
import com.smartchat.host.plugins.PluginCallException;
import com.smartchat.host.plugins.PluginChannel;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * {@code POST /hooks/{id}} and {@code GET /hooks/{id}}: receives what networks push to a channel and hands it, with
 * its query's parameters, to the channel, which verifies it (a secret header, a signature) and stores its events
 * before answering; a {@code GET} is a network checking the address (a challenge to echo). Unauthenticated by design;
 * the id is opaque and random, never a credential. Any host answers: where another host runs the channel, the
 * channel opened here without starting takes the request, when its plugin can (see
 * {@link ChannelSupervisor#webhookTaker}). An unknown id gets a bare 404, a channel that is not running a 503 (the
 * network sends again later), a body over the limit a 413, a query that cannot be decoded a 400, other methods and a
 * {@code GET} for a plugin built before SPI 1.4 (which cannot tell it from a {@code POST}) a 405. The channel's answer
 * carries the headers it set, which the SPI keeps to safe ones ({@link WebhookResponse#withHeader}).
 *
 * <p>A handler of its own, mapped ahead of the annotated controllers ({@link #webhookMapping()}): finding a controller
 * method for a path with a variable goes through every mapped pattern, 7 % of a webhook burst's CPU.
 */
@Component
public class WebhookController implements HttpRequestHandler {

    private static final String PATH = "/hooks/{id}";

    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

    private static final String TEXT = "text/plain;charset=UTF-8";

    private final ChannelRepository channels;
    private final ChannelSupervisor supervisor;
    private final ChannelProperties properties;
    /** Channel ids by webhook id: every webhook request looks one up. */
    private final Cache<String, UUID> channelsByWebhookId = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(10)).recordStats().build();

    public WebhookController(ChannelRepository channels, ChannelSupervisor supervisor, ChannelProperties properties,
                             MeterRegistry meters) {
        this.channels = channels;
        this.supervisor = supervisor;
        this.properties = properties;
        CaffeineCacheMetrics.monitor(meters, channelsByWebhookId, "channels.by-webhook");
    }

    /** {@link #PATH} to this controller, asked before the annotated controllers. */
    @Bean
    SimpleUrlHandlerMapping webhookMapping() {
        return new SimpleUrlHandlerMapping(Map.of(PATH, this), Ordered.HIGHEST_PRECEDENCE);
    }

    /** Writes its answer itself: Spring's handling of a returned entity was 6 % of a webhook burst's CPU. */
    @Override
    public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean get = request.getMethod().equals("GET");
        if (!get && !request.getMethod().equals("POST")) {
            notAllowed(response);
            return;
        }
        @SuppressWarnings("unchecked")
        String webhookId = ((Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE))
                .get("id");
        Optional<UUID> channelId = channelId(webhookId);
        if (channelId.isEmpty()) {
            response.setStatus(404);
            return;
        }
        Map<String, List<String>> parameters;
        try {
            parameters = parameters(request.getQueryString());
        } catch (IllegalArgumentException e) {
            text(response, 400, "The query cannot be decoded.");
            return;
        }
        long limit = properties.webhookBodyLimit().toBytes();
        if (request.getContentLengthLong() > limit) {
            tooLarge(response, limit);
            return;
        }
        byte[] body = new byte[0];
        if (!get) {
            try (InputStream in = request.getInputStream()) {
                body = in.readNBytes((int) limit + 1);
            }
        }
        if (body.length > limit) {
            tooLarge(response, limit);
            return;
        }
        PluginChannel channel = supervisor.webhookTaker(channelId.get()).orElse(null);
        if (channel == null) {
            text(response, 503, "The channel is not running; send again later.");
            return;
        }
        if (get && !channel.takesWebhookGets()) {
            notAllowed(response);
            return;
        }
        WebhookRequest webhook = new WebhookRequest(headers(request), body, request.getMethod(), parameters);
        WebhookResponse answer;
        try {
            answer = channel.handleWebhook(webhook);
        } catch (PluginCallException e) {
            log.warn("Channel {} failed to handle a webhook: {}", channelId.get(), e.getMessage());
            text(response, 500, "The channel failed; send again later.");
            return;
        }
        answer(response, answer);
    }

    private Optional<UUID> channelId(String webhookId) {
        if (webhookId.length() > 64) {
            return Optional.empty();
        }
        UUID cached = channelsByWebhookId.getIfPresent(webhookId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<UUID> found = channels.findByWebhookId(webhookId).map(ChannelRecord::id);
        found.ifPresent(id -> channelsByWebhookId.put(webhookId, id));
        return found;
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, Collections.list(request.getHeaders(name)));
        }
        return headers;
    }

    /**
     * The query's parameters, decoded, in order. Read from the query string itself: asking the servlet for its
     * parameters would read a form-encoded {@code POST}'s body too, which belongs to the channel untouched.
     *
     * @throws IllegalArgumentException when a name or value is not valid percent-encoding
     */
    private static Map<String, List<String>> parameters(String query) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }
        return parameters;
    }

    /**
     * The channel's answer as it decided it: its status, body and headers, text/plain unless it said JSON (the only
     * two types {@link WebhookResponse#withHeader} lets through), in UTF-8.
     */
    private static void answer(HttpServletResponse response, WebhookResponse answer) throws IOException {
        String type = TEXT;
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            if (header.getKey().equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                type = header.getValue().strip().equalsIgnoreCase(MediaType.APPLICATION_JSON_VALUE)
                        ? MediaType.APPLICATION_JSON_VALUE : TEXT;
            } else {
                response.setHeader(header.getKey(), header.getValue());
            }
        }
        write(response, answer.status(), type, answer.body());
    }

    private static void notAllowed(HttpServletResponse response) {
        response.setStatus(405);
        response.setHeader(HttpHeaders.ALLOW, "POST,GET");
    }

    private static void tooLarge(HttpServletResponse response, long limit) throws IOException {
        text(response, 413, "The body is larger than " + limit + " bytes.");
    }

    private static void text(HttpServletResponse response, int status, String body) throws IOException {
        write(response, status, TEXT, body);
    }

    private static void write(HttpServletResponse response, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
