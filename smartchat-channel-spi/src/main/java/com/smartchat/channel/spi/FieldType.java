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
    URL
}
