package com.smartchat.channel.spi;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One field of a channel's form. Build one with a factory named after its type, for example
 * <pre>{@code
 * FormField.secret("token")
 *         .label("Token")
 *         .help("BotFather gives it when you create a bot with /newbot; /token issues a new one.")
 *         .placeholder("110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
 *         .required()
 *         .pattern("\\d+:[A-Za-z0-9_-]{30,}", "A token looks like 110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
 *         .build();
 * }</pre>
 *
 * @param name the key of the value in {@link ChannelSettings}: a letter, then letters, digits or underscores
 * @param type what kind of value the field holds
 * @param label the text beside the input, in sentence case
 * @param help a sentence under the input that tells where the value comes from, or {@code null}
 * @param placeholder an example value shown in the empty input, or {@code null}; never a real secret
 * @param required whether the form cannot be saved without a value
 * @param maxLength the longest text value accepted, or 0 for no limit beyond the host's own
 * @param pattern a regular expression a text value must match as a whole, in the dialect that
 *                {@link Builder#pattern(String, String)} describes, or {@code null}
 * @param patternMessage what to tell an admin whose value does not match {@link #pattern()}
 * @param choices the allowed values of a {@link FieldType#CHOICE} field, in display order; empty otherwise
 * @param defaultValue the value a new form starts with, as text, or {@code null}
 * @param secretDestination whether this field decides where the form's secrets are sent (a server address, an
 *                          account's region): changing it requires entering every secret field again, see
 *                          {@link Builder#secretDestination()}; {@code @since 1.2}
 * @param minLength the shortest text value accepted, or 0 for no limit; {@code @since 1.4}
 * @param minimum the smallest value a {@link FieldType#NUMBER} field accepts, or {@code null} for no limit;
 *                {@code @since 1.4}
 * @param maximum the largest value a {@link FieldType#NUMBER} field accepts, or {@code null} for no limit;
 *                {@code @since 1.4}
 */
public record FormField(
        String name,
        FieldType type,
        String label,
        String help,
        String placeholder,
        boolean required,
        int maxLength,
        String pattern,
        String patternMessage,
        List<Choice> choices,
        String defaultValue,
        boolean secretDestination,
        int minLength,
        Long minimum,
        Long maximum) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    /**
     * One allowed value of a {@link FieldType#CHOICE} field.
     *
     * @param value what is stored
     * @param label what the admin sees
     */
    public record Choice(String value, String label) {
        public Choice {
            Objects.requireNonNull(value, "A choice needs a value");
            Objects.requireNonNull(label, "A choice needs a label");
        }
    }

    /**
     * Checks the field is well formed.
     *
     * @throws IllegalArgumentException with the reason, when it is not
     */
    public FormField {
        Objects.requireNonNull(type, "A field needs a type");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("A field name starts with a letter and has only letters, digits and "
                    + "underscores (at most 64): '" + name + "'");
        }
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("Field '" + name + "' needs a label");
        }
        if (maxLength < 0 || minLength < 0) {
            throw new IllegalArgumentException("Field '" + name + "' has a negative " + (maxLength < 0 ? "maxLength"
                    : "minLength"));
        }
        if (minLength > 0 && (type == FieldType.BOOLEAN || type == FieldType.NUMBER)) {
            throw new IllegalArgumentException("Field '" + name + "' has a minLength but holds no text");
        }
        if (maxLength > 0 && minLength > maxLength) {
            throw new IllegalArgumentException("Field '" + name + "' has a minLength above its maxLength");
        }
        if ((minimum != null || maximum != null) && type != FieldType.NUMBER) {
            throw new IllegalArgumentException("Field '" + name + "' has a minimum or maximum but is not a number "
                    + "field");
        }
        if (minimum != null && maximum != null && minimum > maximum) {
            throw new IllegalArgumentException("Field '" + name + "' has a minimum above its maximum");
        }
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("Field '" + name + "' has an invalid pattern: " + e.getDescription());
            }
            String unportable = PortablePattern.problem(pattern);
            if (unportable != null) {
                throw new IllegalArgumentException("Field '" + name + "' has a pattern that forms and JSON Schema "
                        + "validators read otherwise than the host: " + unportable);
            }
            if (patternMessage == null || patternMessage.isBlank()) {
                throw new IllegalArgumentException("Field '" + name + "' has a pattern but no message for values that miss it");
            }
        }
        choices = choices == null ? List.of() : List.copyOf(choices);
        if (type == FieldType.CHOICE && choices.isEmpty()) {
            throw new IllegalArgumentException("Choice field '" + name + "' needs at least one choice");
        }
        if (type != FieldType.CHOICE && !choices.isEmpty()) {
            throw new IllegalArgumentException("Field '" + name + "' is not a choice field but has choices");
        }
        if (choices.stream().map(Choice::value).distinct().count() < choices.size()) {
            throw new IllegalArgumentException("Choice field '" + name + "' offers a value twice");
        }
        if (type == FieldType.SECRET && defaultValue != null) {
            throw new IllegalArgumentException("Secret field '" + name + "' cannot have a default value: "
                    + "a secret is never shown, so a default would be one every channel shares");
        }
        if (type == FieldType.SECRET && secretDestination) {
            throw new IllegalArgumentException("Secret field '" + name + "' cannot be a secret destination: mark the "
                    + "field that says where secrets are sent, such as a server address");
        }
    }

    /**
     * The field as SPI 1.2 and 1.3 built it: no {@linkplain #minLength() minimum length}, no
     * {@linkplain #minimum() minimum} or {@linkplain #maximum() maximum}. Kept so that plugins compiled against
     * them still link.
     */
    public FormField(String name, FieldType type, String label, String help, String placeholder, boolean required,
                     int maxLength, String pattern, String patternMessage, List<Choice> choices, String defaultValue,
                     boolean secretDestination) {
        this(name, type, label, help, placeholder, required, maxLength, pattern, patternMessage, choices, defaultValue,
                secretDestination, 0, null, null);
    }

    /**
     * The field as SPI 1.1 built it: not a {@linkplain #secretDestination() secret destination}. Kept so that
     * plugins compiled against 1.1 still link.
     */
    public FormField(String name, FieldType type, String label, String help, String placeholder, boolean required,
                     int maxLength, String pattern, String patternMessage, List<Choice> choices, String defaultValue) {
        this(name, type, label, help, placeholder, required, maxLength, pattern, patternMessage, choices, defaultValue,
                false);
    }

    /** Starts a one-line text field. */
    public static Builder text(String name) {
        return new Builder(name, FieldType.TEXT);
    }

    /** Starts a multi-line text field. */
    public static Builder multilineText(String name) {
        return new Builder(name, FieldType.MULTILINE_TEXT);
    }

    /** Starts a secret field (see {@link FieldType#SECRET}). */
    public static Builder secret(String name) {
        return new Builder(name, FieldType.SECRET);
    }

    /** Starts a check box. */
    public static Builder bool(String name) {
        return new Builder(name, FieldType.BOOLEAN);
    }

    /** Starts a whole-number field. */
    public static Builder number(String name) {
        return new Builder(name, FieldType.NUMBER);
    }

    /** Starts a field whose value is one of {@link Builder#choice(String, String) its choices}. */
    public static Builder choice(String name) {
        return new Builder(name, FieldType.CHOICE);
    }

    /** Starts an http(s) URL field. */
    public static Builder url(String name) {
        return new Builder(name, FieldType.URL);
    }

    /**
     * Checks a value the way the host does before it calls {@link ChannelProvider#validate(ChannelSettings)}: type,
     * required, length, minimum and maximum, pattern, choice, URL shape.
     *
     * @param value the value as {@link ChannelSettings} holds it, or {@code null} when absent
     * @return the messages for an admin, empty when the value is acceptable
     */
    public List<String> check(Object value) {
        List<String> problems = new ArrayList<>();
        boolean blank = value == null
                || value instanceof String text && text.isBlank()
                || value instanceof Secret secret && secret.isBlank();
        if (blank) {
            if (required) {
                problems.add(label + " is required.");
            }
            return problems;
        }
        Class<?> expected = switch (type) {
            case SECRET -> Secret.class;
            case BOOLEAN -> Boolean.class;
            case NUMBER -> Long.class;
            default -> String.class;
        };
        if (!expected.isInstance(value)) {
            problems.add(label + " must be " + switch (type) {
                case BOOLEAN -> "true or false.";
                case NUMBER -> "a whole number.";
                default -> "text.";
            });
            return problems;
        }
        if (value instanceof Long number
                && (minimum != null && number < minimum || maximum != null && number > maximum)) {
            problems.add(label + " must be " + (minimum == null ? "at most " + maximum
                    : maximum == null ? "at least " + minimum : "between " + minimum + " and " + maximum) + ".");
        }
        String text = value instanceof Secret secret ? secret.reveal() : value instanceof String s ? s : null;
        if (text == null) {
            return problems;
        }
        if (text.length() < minLength) {
            problems.add(label + " must be at least " + minLength + " characters long (it has " + text.length() + ").");
        }
        if (maxLength > 0 && text.length() > maxLength) {
            problems.add(label + " can be at most " + maxLength + " characters long (it has " + text.length() + ").");
        }
        if (pattern != null && !text.strip().matches(pattern)) {
            problems.add(patternMessage);
        }
        if (type == FieldType.CHOICE && choices.stream().noneMatch(choice -> choice.value().equals(text))) {
            problems.add(label + " must be one of: " + String.join(", ", choices.stream().map(Choice::label).toList()) + ".");
        }
        if (type == FieldType.URL && !isHttpUrl(text.strip())) {
            problems.add(label + " must be an http or https address, such as https://example.com.");
        }
        return problems;
    }

    /** Whether text is an absolute http or https address with a host; also checks {@link ProviderSetting} values. */
    static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** Builds a {@link FormField}; every property but the name and type is optional except the label. */
    public static final class Builder {
        private final String name;
        private final FieldType type;
        private String label;
        private String help;
        private String placeholder;
        private boolean required;
        private int maxLength;
        private String pattern;
        private String patternMessage;
        private final List<Choice> choices = new ArrayList<>();
        private String defaultValue;
        private boolean secretDestination;
        private int minLength;
        private Long minimum;
        private Long maximum;

        private Builder(String name, FieldType type) {
            this.name = name;
            this.type = type;
        }

        /** The text beside the input. Required. */
        public Builder label(String label) {
            this.label = label;
            return this;
        }

        /** A sentence under the input: where the value comes from, what it changes. */
        public Builder help(String help) {
            this.help = help;
            return this;
        }

        /** An example value shown in the empty input. */
        public Builder placeholder(String placeholder) {
            this.placeholder = placeholder;
            return this;
        }

        /** The form cannot be saved without this field. */
        public Builder required() {
            this.required = true;
            return this;
        }

        /** The longest value accepted, in characters. */
        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * The shortest value accepted, in characters, for a field that holds text. The host checks it before
         * {@link ChannelProvider#validate(ChannelSettings)}, and the form's input carries it.
         *
         * @since 1.4
         */
        public Builder minLength(int minLength) {
            this.minLength = minLength;
            return this;
        }

        /**
         * The smallest value a {@link FieldType#NUMBER} field accepts. The host checks it before
         * {@link ChannelProvider#validate(ChannelSettings)}, and the form's input carries it.
         *
         * @since 1.4
         */
        public Builder minimum(long minimum) {
            this.minimum = minimum;
            return this;
        }

        /**
         * The largest value a {@link FieldType#NUMBER} field accepts. The host checks it before
         * {@link ChannelProvider#validate(ChannelSettings)}, and the form's input carries it.
         *
         * @since 1.4
         */
        public Builder maximum(long maximum) {
            this.maximum = maximum;
            return this;
        }

        /**
         * A regular expression the whole value must match, and the message that tells an admin what shape is
         * expected when it does not.
         *
         * <p>The host matches values with Java, and publishes the pattern in the form's JSON Schema, where validators
         * and form libraries read it as ECMAScript (with the {@code u} flag). So a pattern must be written in the
         * part of both that they read the same way:
         * <ul>
         *   <li>characters, {@code .} (any character but a line break), {@code ^}, {@code $} and {@code |};</li>
         *   <li>groups {@code (...)}, {@code (?:...)}, {@code (?<name>...)}, lookarounds {@code (?=...)},
         *       {@code (?!...)}, {@code (?<=...)}, {@code (?<!...)}, and back references {@code \1} to
         *       {@code \9}, {@code \k<name>} to groups that exist;</li>
         *   <li>quantifiers {@code * + ? {n} {n,} {n,m}}, each optionally lazy ({@code *?}), on a character, a
         *       class or a group;</li>
         *   <li>classes {@code [...]} and {@code [^...]} of characters and ranges such as {@code a-z}, with
         *       {@code -} as a character only first, last or escaped ({@code \-});</li>
         *   <li>the escapes {@code \d \D \w \W \b \B} (ASCII, as in both), {@code \t \n \r \f},
         *       <code>&#92;uXXXX</code>, {@code \xXX}, {@code \cX}, {@code \p{..}} and {@code \P{..}} with a
         *       Unicode general category such as {@code L} or {@code Nd}, and a backslash before one of
         *       {@code ^ $ \ . * + ? ( ) [ ] { } | /}.</li>
         * </ul>
         * {@link #build()} refuses anything else, naming it: inline flags such as {@code (?i)} or {@code (?s)} (write
         * {@code [\w\W]} for any character including a line break, {@code [Aa]} for either case), possessive
         * quantifiers, atomic groups, {@code \A \Z \z \G}, {@code \s} (Unicode spaces in ECMAScript, ASCII in Java:
         * name the characters, such as {@code [ \t\r\n]}), {@code \Q...\E}, {@code \p{javaLowerCase}} and other
         * Java property names, class unions and intersections ({@code [a[b]]}, {@code &&}), a lone {@code ]} or
         * closing brace, and escapes of characters that need none. The whole value must match, so {@code ^...$} is
         * not needed.
         *
         * <p>Since 1.4 the SPI checks the dialect: the host refuses to load a plugin built against an earlier 1.x
         * whose pattern is outside it, and names the provider, the field and the construct.
         */
        public Builder pattern(String regex, String message) {
            this.pattern = regex;
            this.patternMessage = message;
            return this;
        }

        /** Adds an allowed value of a choice field. */
        public Builder choice(String value, String label) {
            this.choices.add(new Choice(value, label));
            return this;
        }

        /** The value a new form starts with. */
        public Builder defaultValue(String defaultValue) {
            this.defaultValue = defaultValue;
            return this;
        }

        /**
         * Marks a field whose value decides where the form's secrets are sent: the address of the server a token
         * is presented to, a region that picks the server, an account's domain. The host then keeps the rule that
         * a stored secret is only ever sent where it was sent when it was entered: a change of this field is
         * refused unless every secret field of the form is entered again in the same change, and the refusal comes
         * before any call into the provider, so {@link ChannelProvider#validate(ChannelSettings)} never sees a
         * stored secret together with a new destination. Without the mark, whoever may edit a channel could point
         * it at a server of their own and receive its stored token with the next check.
         *
         * <p>Mark every such field, whatever its type. A secret field itself cannot be one.
         *
         * @since 1.2
         */
        public Builder secretDestination() {
            this.secretDestination = true;
            return this;
        }

        /**
         * @throws IllegalArgumentException when the field is not well formed, with the reason
         */
        public FormField build() {
            return new FormField(name, type, label, help, placeholder, required, maxLength, pattern, patternMessage,
                    choices, defaultValue, secretDestination, minLength, minimum, maximum);
        }
    }
}
