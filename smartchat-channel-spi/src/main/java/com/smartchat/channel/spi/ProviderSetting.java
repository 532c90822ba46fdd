package com.smartchat.channel.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One setting the operator gives every channel of a provider, as the host property
 * {@code smartchat.plugins.<provider id>.<name>} (so also the environment variable
 * {@code SMARTCHAT_PLUGINS_<PROVIDER ID>_<NAME>}, upper case, dashes as underscores). Declare them in
 * {@link ChannelProvider#providerSettings()}, for example
 * <pre>{@code
 * ProviderSetting.number("poll-timeout")
 *         .help("Seconds one long poll waits for updates.")
 *         .defaultValue("50")
 *         .minimum(0)
 *         .maximum(90)
 *         .build();
 * }</pre>
 * The host checks the operator's values against the declarations when it loads the plugin, fills in defaults, and
 * hands the values to channels as text in {@link ChannelSettings#providerSetting(String)}.
 *
 * @param name the property's last part: lower case letters, digits and dashes, starting with a letter, such as
 *             {@code api-url}; {@code public-url} is the host's own (see {@link ChannelSettings#providerConfig()})
 * @param type what the value holds: {@link FieldType#TEXT}, {@link FieldType#URL} (an absolute http or https
 *             address), {@link FieldType#NUMBER} (a whole number), {@link FieldType#BOOLEAN} ({@code true} or
 *             {@code false}) or {@link FieldType#SECRET} (text the host never shows or logs)
 * @param help a sentence for the operator: what the setting changes, and its unit
 * @param defaultValue the value channels get when the operator sets none, as text, or {@code null} for none (then
 *                     {@link ChannelSettings#providerSetting(String)} is empty); a secret has none
 * @param minimum the smallest value of a number setting, or {@code null} for no limit
 * @param maximum the largest value of a number setting, or {@code null} for no limit
 * @since 1.4
 */
public record ProviderSetting(String name, FieldType type, String help, String defaultValue, Long minimum,
                              Long maximum) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    /** The name under which the host passes its public address to every provider. */
    private static final String HOST_PUBLIC_URL = "public-url";

    /**
     * Checks the declaration is well formed, its default included.
     *
     * @throws IllegalArgumentException with the reason, when it is not
     */
    public ProviderSetting {
        Objects.requireNonNull(type, "A provider setting needs a type");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("A provider setting's name is lower case letters, digits and dashes, "
                    + "starting with a letter (at most 64), such as api-url: '" + name + "'");
        }
        if (name.equals(HOST_PUBLIC_URL)) {
            throw new IllegalArgumentException("Provider setting 'public-url' is the host's: it passes its public "
                    + "address under that name to every provider");
        }
        if (type == FieldType.MULTILINE_TEXT || type == FieldType.CHOICE) {
            throw new IllegalArgumentException("Provider setting '" + name + "' is " + type + ", but a provider "
                    + "setting is TEXT, URL, NUMBER, BOOLEAN or SECRET");
        }
        if (help == null || help.isBlank()) {
            throw new IllegalArgumentException("Provider setting '" + name + "' needs help for the operator");
        }
        if ((minimum != null || maximum != null) && type != FieldType.NUMBER) {
            throw new IllegalArgumentException("Provider setting '" + name + "' has a minimum or maximum but is not "
                    + "a number");
        }
        if (minimum != null && maximum != null && minimum > maximum) {
            throw new IllegalArgumentException("Provider setting '" + name + "' has a minimum above its maximum");
        }
        if (type == FieldType.SECRET && defaultValue != null) {
            throw new IllegalArgumentException("Secret provider setting '" + name + "' cannot have a default value");
        }
        if (defaultValue != null) {
            String problem = problemWith(type, minimum, maximum, defaultValue);
            if (problem != null) {
                throw new IllegalArgumentException("Provider setting '" + name + "' has the default '" + defaultValue
                        + "', but it " + problem);
            }
        }
    }

    /** Starts a one-line text setting. */
    public static Builder text(String name) {
        return new Builder(name, FieldType.TEXT);
    }

    /** Starts a setting holding an absolute http or https address. */
    public static Builder url(String name) {
        return new Builder(name, FieldType.URL);
    }

    /** Starts a whole-number setting. */
    public static Builder number(String name) {
        return new Builder(name, FieldType.NUMBER);
    }

    /** Starts a {@code true} or {@code false} setting. */
    public static Builder bool(String name) {
        return new Builder(name, FieldType.BOOLEAN);
    }

    /** Starts a secret setting: the host never shows its value, nor logs it. */
    public static Builder secret(String name) {
        return new Builder(name, FieldType.SECRET);
    }

    /** Whether the host must never show or log the value. */
    public boolean secret() {
        return type == FieldType.SECRET;
    }

    /**
     * Checks a value the operator set, as the host does when it loads the plugin. A blank value counts as unset, so
     * the host gives the default instead and does not call this.
     *
     * @param value the value as the operator wrote it, not blank
     * @return what is wrong with it, to follow the property's name, such as {@code "must be a whole number"}; empty
     *         when it is acceptable. Never contains the value.
     */
    public Optional<String> check(String value) {
        return Optional.ofNullable(problemWith(type, minimum, maximum, value));
    }

    private static String problemWith(FieldType type, Long minimum, Long maximum, String value) {
        String text = value.strip();
        return switch (type) {
            case NUMBER -> {
                if (!(type.read(text) instanceof Long number)) {
                    yield "must be a whole number";
                }
                boolean below = minimum != null && number < minimum;
                boolean above = maximum != null && number > maximum;
                yield !below && !above ? null : "must be " + (minimum == null ? "at most " + maximum
                        : maximum == null ? "at least " + minimum : "between " + minimum + " and " + maximum);
            }
            case BOOLEAN -> type.read(text) instanceof Boolean ? null : "must be true or false";
            case URL -> FormField.isHttpUrl(text) ? null
                    : "must be an absolute http or https address, such as https://example.com";
            default -> null;
        };
    }

    /** Builds a {@link ProviderSetting}; the help is required. */
    public static final class Builder {
        private final String name;
        private final FieldType type;
        private String help;
        private String defaultValue;
        private Long minimum;
        private Long maximum;

        private Builder(String name, FieldType type) {
            this.name = name;
            this.type = type;
        }

        /** What the setting changes, and its unit, for the operator. Required. */
        public Builder help(String help) {
            this.help = help;
            return this;
        }

        /** The value channels get when the operator sets none. */
        public Builder defaultValue(String defaultValue) {
            this.defaultValue = defaultValue;
            return this;
        }

        /** The smallest value a number setting accepts. */
        public Builder minimum(long minimum) {
            this.minimum = minimum;
            return this;
        }

        /** The largest value a number setting accepts. */
        public Builder maximum(long maximum) {
            this.maximum = maximum;
            return this;
        }

        /**
         * @throws IllegalArgumentException when the setting is not well formed, with the reason
         */
        public ProviderSetting build() {
            return new ProviderSetting(name, type, help, defaultValue, minimum, maximum);
        }
    }
}
