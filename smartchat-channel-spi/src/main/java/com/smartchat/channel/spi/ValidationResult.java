package com.smartchat.channel.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of checking a channel's settings: every problem at once, each on the field to change, and on success
 * the identity the settings lead to.
 * <pre>{@code
 * return ValidationResult.builder()
 *         .error("token", "Telegram rejected this token. Paste the token BotFather gave you, or get a new one with /token.")
 *         .build();
 * }</pre>
 *
 * @param fieldErrors messages an admin can act on, by field name, in form order
 * @param preview the identity found, or {@code null}
 */
public record ValidationResult(Map<String, List<String>> fieldErrors, IdentityPreview preview) {

    public ValidationResult {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        fieldErrors.forEach((field, messages) -> copy.put(field, List.copyOf(messages)));
        fieldErrors = Collections.unmodifiableMap(copy);
    }

    /** Valid settings leading to this identity. */
    public static ValidationResult valid(IdentityPreview preview) {
        return new ValidationResult(Map.of(), preview);
    }

    /** Starts a result with no errors. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether there is no error. */
    public boolean valid() {
        return fieldErrors.isEmpty();
    }

    /** The identity found, when there is one. */
    public Optional<IdentityPreview> identity() {
        return Optional.ofNullable(preview);
    }

    /** Builds a {@link ValidationResult}. */
    public static final class Builder {
        private final Map<String, List<String>> fieldErrors = new LinkedHashMap<>();
        private IdentityPreview preview;

        private Builder() {
        }

        /** Adds a message to a field; a field may have several. */
        public Builder error(String field, String message) {
            fieldErrors.computeIfAbsent(field, name -> new ArrayList<>()).add(message);
            return this;
        }

        /** Adds every message of a map such as {@link FormSchema#check(Map)} returns. */
        public Builder errors(Map<String, List<String>> messages) {
            messages.forEach((field, list) -> list.forEach(message -> error(field, message)));
            return this;
        }

        /** The identity the settings lead to. */
        public Builder preview(IdentityPreview preview) {
            this.preview = preview;
            return this;
        }

        public ValidationResult build() {
            return new ValidationResult(fieldErrors, preview);
        }
    }
}
