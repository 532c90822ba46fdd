package com.smartchat.channel.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A secret value, such as a bot token. Its {@link #toString()} never shows the value, so a secret that reaches a
 * log line, an exception message or a debugger stays hidden; reading it takes an explicit {@link #reveal()}.
 *
 * <p>Reveal a secret only where the network needs it, and never put it in a message, a URL you log, a metric or a
 * health detail.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a value.
     *
     * @throws NullPointerException when the value is null
     */
    public static Secret of(String value) {
        if (value == null) {
            throw new NullPointerException("A secret needs a value");
        }
        return new Secret(value);
    }

    /** The value itself. Every call is a place where the secret can leak: keep them few. */
    public String reveal() {
        return value;
    }

    /** Whether the value is empty or only white space. */
    public boolean isBlank() {
        return value.isBlank();
    }

    /** Compares two secrets in time that does not depend on where they differ. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), secret.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // a hash would tell something about the value
    }

    /** Always {@code Secret[****]}, whatever the value. */
    @Override
    public String toString() {
        return "Secret[****]";
    }
}
