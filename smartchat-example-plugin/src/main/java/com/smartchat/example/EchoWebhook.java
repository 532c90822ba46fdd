package com.smartchat.example;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.smartchat.channel.spi.ChannelContext;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.spi.WebhookResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Echo's webhook, the example of a network that pushes (see {@link EchoProvider} for what to send). In the order the
 * SPI asks for: verify, then store, then answer.
 * <ol>
 *   <li>A request is Echo's when its {@value #SIGNATURE} header is {@code sha256=} and the hex HMAC-SHA256, keyed by
 *       the channel's API key, of the body (of the {@code challenge} parameter for a {@code GET}); compared in
 *       constant time. Anything else is answered 401 ({@code WWW-Authenticate: EchoSignature}) and stores nothing.</li>
 *   <li>A {@code GET} is the handshake: its challenge is answered as the body.</li>
 *   <li>A {@code POST}'s message is delivered, under an event id made of the sender's {@code id} (so that a resent
 *       message is the same event, which the host drops), and answered 200 once stored; when the host could not store
 *       it, 503 with {@code Retry-After}, storing nothing: the sender sends it again. A body that is no message is
 *       answered 400 with {@code {"error": ...}} in JSON.</li>
 * </ol>
 */
final class EchoWebhook {

    /** The header that carries a request's signature. */
    static final String SIGNATURE = "X-Echo-Signature";
    /** How long a sender waits before it sends a request that could not be stored again. */
    static final String RETRY_AFTER_SECONDS = "5";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a sender's message id and member id look like. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final ChannelContext context;
    private final String apiKey;

    EchoWebhook(ChannelContext context, String apiKey) {
        this.context = context;
        this.apiKey = apiKey;
    }

    /** The signature a sender puts in {@value #SIGNATURE}: {@code sha256=} and the HMAC of the signed bytes in hex. */
    static String sign(String apiKey, byte[] signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(apiKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(signed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e); // every JVM has it
        }
    }

    WebhookResponse handle(WebhookRequest request) {
        boolean handshake = request.method().equals("GET");
        String challenge = request.parameter("challenge").orElse("");
        byte[] signed = handshake ? challenge.getBytes(StandardCharsets.UTF_8) : request.body();
        if (!authentic(signed, request.header(SIGNATURE))) {
            context.metrics().increment("echo.webhooks", "outcome", "refused");
            // the request names no secret, only which headers it had: enough to see a sender's mistake
            context.logger().log(DEBUG, "Refused a webhook request that Echo did not sign: " + request);
            // HTTP asks a 401 to name the scheme it wants
            return WebhookResponse.of(401, "Sign the request with your API key: see the Echo documentation.")
                    .withHeader("WWW-Authenticate", "EchoSignature");
        }
        if (handshake) {
            return WebhookResponse.of(200, challenge).withHeader("Content-Type", "text/plain");
        }
        Optional<InboundEvent> event = read(request.body());
        if (event.isEmpty()) {
            context.metrics().increment("echo.webhooks", "outcome", "malformed");
            // in JSON, as the sender's own API answers: a sender's code can read what to fix
            return WebhookResponse.of(400, JSON.createObjectNode()
                            .put("error", "Send {\"id\": ..., \"from\": ..., \"text\": ...}.").toString())
                    .withHeader("Content-Type", "application/json");
        }
        try {
            context.inbound().deliver(event.get());
        } catch (DeliveryException | RuntimeException e) {
            context.metrics().increment("echo.webhooks", "outcome", "not-stored");
            context.logger().log(WARNING, "Could not store webhook message " + event.get().eventId()
                    + "; the sender sends it again: " + e.getMessage());
            return WebhookResponse.of(503, "Not stored; send it again later.")
                    .withHeader("Retry-After", RETRY_AFTER_SECONDS);
        }
        context.metrics().increment("echo.webhooks", "outcome", "stored");
        return WebhookResponse.ok();
    }

    private boolean authentic(byte[] signed, Optional<String> signature) {
        if (signature.isEmpty()) {
            return false;
        }
        byte[] expected = sign(apiKey, signed).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, signature.get().strip().toLowerCase(Locale.ROOT)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The message in a body, or empty when the body is not one. */
    private Optional<InboundEvent> read(byte[] body) {
        JsonNode message;
        try {
            message = JSON.readTree(body);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (message == null || !message.path("text").isTextual()
                || !ID.matcher(message.path("id").asText("")).matches()
                || !ID.matcher(message.path("from").asText("")).matches()) {
            return Optional.empty();
        }
        String member = message.path("from").asText();
        String id = "webhook:" + message.path("id").asText(); // never an echo's: those are UUIDs
        return Optional.of(new InboundEvent.MessageReceived(id, context.clock().instant(),
                EchoChannel.conversation(member), EchoChannel.member(member), id, message.path("text").asText(),
                List.of(), null));
    }
}
