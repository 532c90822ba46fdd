package com.smartchat.channel.spi;

/**
 * The kind of a form field: it decides the input the host renders and the Java type of the value in
 * {@link ChannelSettings}.
 */
public enum FieldType {
    /** One line of text; the value is a {@link String}. */
    TEXT,
    /** Several lines of text; the value is a {@link String}. */
    MULTILINE_TEXT,
    /**
     * A password-like value: rendered as a password input, stored encrypted, never sent back to a browser or shown
     * by the API; the value is a {@link Secret}.
     */
    SECRET,
    /** A check box; the value is a {@link Boolean}. */
    BOOLEAN,
    /** A whole number; the value is a {@link Long}. */
    NUMBER,
    /** One of the field's {@link FormField#choices()}; the value is the chosen {@link FormField.Choice#value()}. */
    CHOICE,
    /** An absolute {@code http} or {@code https} URL; the value is a {@link String}. */
    URL;

    /**
     * Reads a value written as text, such as a field's {@link FormField#defaultValue()}, as
     * {@link ChannelSettings} holds values of this type: a whole number as a {@link Long}, {@code true} or
     * {@code false} as a {@link Boolean}, a secret as a {@link Secret}, anything else as the text itself. Text
     * this type cannot read, such as {@code "ten"} for a number, stays text, so that
     * {@link FormField#check(Object)} names the problem.
     *
     * @param text the value as text, not {@code null}
     * @since 1.4
     */
    public Object read(String text) {
        return switch (this) {
            case NUMBER -> {
                try {
                    yield Long.parseLong(text.strip());
                } catch (NumberFormatException e) {
                    yield text;
                }
            }
            case BOOLEAN -> text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : text;
            case SECRET -> Secret.of(text);
            default -> text;
        };
    }
}
