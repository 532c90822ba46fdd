package com.smartchat.telegram;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret Telegram sends with every webhook request ({@code X-Telegram-Bot-Api-Secret-Token}), so that a request
 * without it is known not to come from Telegram.
 *
 * <p>It is derived, not stored: HMAC-SHA256 keyed by the bot token over a fixed label and the host's channel id,
 * base64url without padding (43 characters of {@code A-Za-z0-9_-}, within Telegram's 1-256). So it is different for
 * every channel, changes when the token is replaced (BotFather's /token), and cannot be turned back into the token.
 * It is as secret as the token: never log it or put it in a message.
 */
final class WebhookSecret {

    /** The header Telegram puts the secret in. */
    static final String HEADER = "X-Telegram-Bot-Api-Secret-Token";

    private static final byte[] LABEL = "smartchat telegram webhook secret v1".getBytes(StandardCharsets.UTF_8);

    private WebhookSecret() {
    }

    /**
     * The secret of one channel.
     *
     * @param token the channel's bot token
     * @param channelId the host's id of the channel
     */
    static String derive(String token, String channelId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(LABEL);
            mac.update((byte) 0);
            mac.update(channelId.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e); // every JVM has it
        }
    }

    /**
     * Whether a request carries the expected secret, compared in time that does not depend on where the values
     * differ.
     *
     * @param expected the channel's secret
     * @param given the header's value, if the request had one
     */
    static boolean matches(String expected, Optional<String> given) {
        if (given.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.get().getBytes(StandardCharsets.UTF_8));
    }
}
