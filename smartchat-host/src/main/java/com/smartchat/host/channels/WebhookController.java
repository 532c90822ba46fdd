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
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /hooks/{id}}: receives what networks push to a channel and hands it to the channel, which verifies
 * it (a secret header) and stores its events before answering. Unauthenticated by design; the id is opaque and
 * random, never a credential. Any host answers: where another host runs the channel, the channel opened here
 * without starting takes the request, when its plugin can (see {@link ChannelSupervisor#webhookTaker}). An unknown
 * id gets a bare 404, a channel that is not running a 503 (the network sends again later), a body over the limit a
 * 413.
 */
@RestController
public class WebhookController {

    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

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

    @PostMapping("/hooks/{id}")
    public ResponseEntity<String> receive(@PathVariable("id") String webhookId, HttpServletRequest request)
            throws IOException {
        Optional<UUID> channelId = channelId(webhookId);
        if (channelId.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        long limit = properties.webhookBodyLimit().toBytes();
        if (request.getContentLengthLong() > limit) {
            return tooLarge(limit);
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) limit + 1);
        }
        if (body.length > limit) {
            return tooLarge(limit);
        }
        PluginChannel channel = supervisor.webhookTaker(channelId.get()).orElse(null);
        if (channel == null) {
            return text(503, "The channel is not running; send again later.");
        }
        WebhookRequest webhook = new WebhookRequest(headers(request), body);
        try {
            WebhookResponse response = channel.handleWebhook(webhook);
            return text(response.status(), response.body());
        } catch (PluginCallException e) {
            log.warn("Channel {} failed to handle a webhook: {}", channelId.get(), e.getMessage());
            return text(500, "The channel failed; send again later.");
        }
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

    private static ResponseEntity<String> tooLarge(long limit) {
        return text(413, "The body is larger than " + limit + " bytes.");
    }

    private static ResponseEntity<String> text(int status, String body) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(body);
    }
}
