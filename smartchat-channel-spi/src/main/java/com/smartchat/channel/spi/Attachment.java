package com.smartchat.channel.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A file, place or contact in a message. It refers to the network's copy (a Telegram {@code file_id}), never to a
 * URL that contains a credential: the host fetches content, when it needs to, through the channel.
 *
 * @param kind what it is
 * @param reference the network's id of the file, or for outbound messages also a public https URL; {@code null}
 *                  for locations and contacts
 * @param mimeType the media type, such as {@code image/jpeg}, or {@code null}
 * @param sizeBytes the size in bytes, or -1 when unknown
 * @param fileName the file's name, or {@code null}
 * @param caption text sent with it, or {@code null}
 * @param details what the kind needs beyond that: {@code latitude}/{@code longitude} for a location,
 *                {@code phone}/{@code name} for a contact, {@code width}/{@code height}/{@code duration} for media;
 *                since 1.4, {@code thumbnail} for an image: the reference of a smaller copy the host shows as its
 *                preview, fetched through {@link Channel#fetchAttachment} like the file itself
 */
public record Attachment(
        Kind kind, String reference, String mimeType, long sizeBytes, String fileName, String caption,
        Map<String, String> details) {

    /** The kinds of attachment the host knows; {@link #OTHER} for anything else. */
    public enum Kind { PHOTO, DOCUMENT, AUDIO, VOICE, VIDEO, STICKER, LOCATION, CONTACT, OTHER }

    public Attachment {
        Objects.requireNonNull(kind, "An attachment needs a kind");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** A file known to the network by its id, with no further facts. */
    public static Attachment file(Kind kind, String reference) {
        return new Attachment(kind, reference, null, -1, null, null, Map.of());
    }
}
