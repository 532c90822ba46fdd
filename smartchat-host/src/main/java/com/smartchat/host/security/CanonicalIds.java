package com.smartchat.host.security;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.core.convert.converter.Converter;

/**
 * Reads the ids in request paths and parameters, in the one form the host writes them: 36 characters of lower-case
 * hex and dashes. {@link UUID#fromString} and Spring's own conversion accept other spellings (trimmed whitespace,
 * upper case), and an access check that read an id one way while its handler read it another is how one Space was
 * once opened to every user. Both read ids here, so that what is checked is what is served.
 */
public final class CanonicalIds implements Converter<String, UUID> {

    private static final Pattern CANONICAL =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The id a text names, or empty when the text is anything but a canonical id. */
    public static Optional<UUID> parse(String text) {
        return text != null && CANONICAL.matcher(text).matches() ? Optional.of(UUID.fromString(text)) : Optional.empty();
    }

    /** Spring's conversion of path variables and parameters: "" is no value, as in Spring's own converter. */
    @Override
    public UUID convert(String source) {
        if (source.isEmpty()) {
            return null;
        }
        return parse(source).orElseThrow(() -> new IllegalArgumentException("Not an id: an id is 36 characters of"
                + " lower-case hex and dashes"));
    }
}
