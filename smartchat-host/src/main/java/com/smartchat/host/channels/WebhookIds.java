package com.smartchat.host.channels;

import java.security.SecureRandom;
import java.util.Base64;

/** Makes the opaque ids of webhook addresses: 128 random bits, URL-safe, unguessable, unrelated to any credential. */
final class WebhookIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookIds() {
    }

    static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
