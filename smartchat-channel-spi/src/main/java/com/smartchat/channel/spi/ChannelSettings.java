package com.smartchat.channel.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The values of one channel's form, by field name, and the provider's host settings.
 *
 * <p>Values have the Java type their {@link FieldType} names: {@link String} for text, choice and URL fields,
 * {@link Secret} for secrets, {@link Boolean} and {@link Long}. Absent optional fields have no entry.
 *
 * @param schemaVersion the {@link FormSchema#version()} the values were written with
 * @param values the form's values by field name, including the standard {@link FormSchema#NAME} and
 *               {@link FormSchema#GREETING}
 * @param providerConfig settings the operator gave every channel of this provider, from the host's
 *                       {@code smartchat.plugins.<provider id>.*} properties (for example {@code api-url});
 *                       keys without the prefix, with the defaults of
 *                       {@linkplain ChannelProvider#providerSettings() declared settings} filled in (SPI 1.4), and
 *                       {@code public-url}, the host's public address, when it has one
 */
public record ChannelSettings(int schemaVersion, Map<String, Object> values, Map<String, String> providerConfig) {

    public ChannelSettings {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        providerConfig = Map.copyOf(providerConfig);
    }

    /** Settings with no provider configuration, handy in tests. */
    public static ChannelSettings of(int schemaVersion, Map<String, Object> values) {
        return new ChannelSettings(schemaVersion, values, Map.of());
    }

    /** The Channel Name: private to the platform, never shown to the audience. */
    public String name() {
        return text(FormSchema.NAME).orElse("");
    }

    /** The Greeting Message, when one is set. */
    public Optional<String> greeting() {
        return text(FormSchema.GREETING).filter(greeting -> !greeting.isBlank());
    }

    /** A text, multi-line text, choice or URL value. */
    public Optional<String> text(String field) {
        return Optional.ofNullable(values.get(field)).filter(String.class::isInstance).map(String.class::cast);
    }

    /** A secret value. */
    public Optional<Secret> secret(String field) {
        return Optional.ofNullable(values.get(field)).filter(Secret.class::isInstance).map(Secret.class::cast);
    }

    /** A check box: {@code false} when absent. */
    public boolean flag(String field) {
        return Boolean.TRUE.equals(values.get(field));
    }

    /** A whole-number value. */
    public OptionalLong number(String field) {
        return values.get(field) instanceof Long number ? OptionalLong.of(number) : OptionalLong.empty();
    }

    /**
     * A provider host setting, such as {@code api-url}: the operator's value, or the declared default (see
     * {@link ChannelProvider#providerSettings()}).
     */
    public Optional<String> providerSetting(String key) {
        return Optional.ofNullable(providerConfig.get(key));
    }

    /** These settings with other values, for example after a token was replaced. */
    public ChannelSettings withValues(Map<String, Object> newValues) {
        return new ChannelSettings(schemaVersion, newValues, providerConfig);
    }

    /** Names the fields and their types, never a value: a secret or a greeting does not belong in a log. */
    @Override
    public String toString() {
        return "ChannelSettings[schemaVersion=" + schemaVersion + ", fields=" + values.keySet()
                + ", providerConfig=" + providerConfig.keySet() + "]";
    }
}
