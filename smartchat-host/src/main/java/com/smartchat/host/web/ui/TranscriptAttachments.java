package com.smartchat.host.web.ui;

import com.smartchat.channel.spi.Attachment;
import com.smartchat.host.media.MediaProperties;
import com.smartchat.host.media.Uploads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * A transcript's attachments as the page shows them (fragment {@code attachments :: list}), and their files as the
 * browser receives them: images inline, voice and video playable, everything else downloaded. No template or code
 * here knows a network: what a network said of a file is in its {@link Attachment}.
 */
@Component
class TranscriptAttachments {

    /** Types a browser may show inline; anything else is downloaded, never rendered as a page of the host's. */
    private static final Set<String> INLINE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp",
            "audio/ogg", "audio/mpeg", "audio/mp4", "audio/wav", "video/mp4", "video/webm");

    private final JsonMapper json;
    private final MediaProperties properties;

    TranscriptAttachments(JsonMapper json, MediaProperties properties) {
        this.json = json;
        this.properties = properties;
    }

    /**
     * One attachment on the page.
     *
     * @param kind the kind in lower case: photo, document, voice...
     * @param label what it is in words: "Photo", "Document report.pdf (12 KB)"
     * @param url where its file is, or {@code null} when it has none to show (a location, a contact, a file too large)
     * @param previewUrl the image shown inline (a smaller copy where the network keeps one), or {@code null}
     * @param note why the file is not shown, or {@code null}
     * @param mapUrl a location's map, or {@code null}
     * @param phone a contact's number, or {@code null}
     */
    record AttachmentView(String kind, String label, String caption, String url, String previewUrl, String note,
                          String coordinates, String mapUrl, String contactName, String phone) {
    }

    /** The attachments of a stored message, with addresses under {@code messagePath}. */
    List<AttachmentView> of(String stored, String messagePath) {
        if (stored == null || stored.isBlank()) {
            return List.of();
        }
        Attachment[] attachments;
        try {
            attachments = json.readValue(stored, Attachment[].class);
        } catch (RuntimeException e) {
            return List.of(new AttachmentView("other", "An attachment", null, null, null, null, null, null, null, null));
        }
        List<AttachmentView> views = new ArrayList<>();
        for (int i = 0; i < attachments.length; i++) {
            views.add(view(attachments[i], messagePath + "/attachments/" + i));
        }
        return views;
    }

    private AttachmentView view(Attachment attachment, String path) {
        String kind = attachment.kind().name().toLowerCase(Locale.ROOT);
        Map<String, String> details = attachment.details();
        StringBuilder label = new StringBuilder(Character.toUpperCase(kind.charAt(0)) + kind.substring(1));
        if (attachment.fileName() != null) {
            label.append(' ').append(attachment.fileName());
        }
        if (attachment.kind() == Attachment.Kind.STICKER && details.get("emoji") != null) {
            label.append(' ').append(details.get("emoji"));
        }
        if (attachment.sizeBytes() > 0) {
            label.append(" (").append(MediaProperties.readable(attachment.sizeBytes())).append(')');
        }
        switch (attachment.kind()) {
            case LOCATION -> {
                String latitude = coordinate(details.get("latitude"), 90);
                String longitude = coordinate(details.get("longitude"), 180);
                String title = details.get("title");
                boolean known = latitude != null && longitude != null;
                return new AttachmentView(kind, title == null ? "Location" : "Location: " + title, attachment.caption(),
                        null, null, null, known ? latitude + ", " + longitude : null,
                        known ? "https://www.openstreetmap.org/?mlat=" + latitude + "&mlon=" + longitude
                                + "#map=16/" + latitude + "/" + longitude : null,
                        null, null);
            }
            case CONTACT -> {
                return new AttachmentView(kind, "Contact", attachment.caption(), null, null, null, null, null,
                        details.get("name"), details.get("phone"));
            }
            default -> {
                boolean hasFile = attachment.reference() != null || attachment.sizeBytes() >= 0;
                long limit = properties.maxDownloadSize().toBytes();
                if (!hasFile) {
                    return new AttachmentView(kind, label.toString(), attachment.caption(), null, null, null, null,
                            null, null, null);
                }
                if (attachment.sizeBytes() > limit) {
                    return new AttachmentView(kind, label.toString(), attachment.caption(), null, null,
                            "Too large to show here: the host fetches files of at most "
                                    + MediaProperties.readable(limit) + ".", null, null, null, null);
                }
                boolean image = attachment.kind() == Attachment.Kind.PHOTO
                        || attachment.kind() == Attachment.Kind.STICKER && "image/webp".equals(attachment.mimeType());
                return new AttachmentView(kind, label.toString(), attachment.caption(), path,
                        image ? path + "?preview=true" : null, null, null, null, null, null);
            }
        }
    }

    /** A latitude or longitude as the channel gave it, when it is a number within its range; else null. */
    private static String coordinate(String text, double limit) {
        try {
            double value = Double.parseDouble(text);
            return Math.abs(value) <= limit ? String.valueOf(value) : null;
        } catch (NullPointerException | NumberFormatException e) {
            return null;
        }
    }

    /**
     * A file as the browser receives it: inline when it is a type a browser shows safely and no download was asked
     * for, else as a download with a safe name; never a page that could run script in the host's origin.
     */
    static ResponseEntity<byte[]> response(MessageFiles.File file, boolean download) {
        String type = file.mediaType() == null ? "" : file.mediaType().toLowerCase(Locale.ROOT).strip();
        boolean inline = !download && INLINE_TYPES.contains(type);
        ContentDisposition disposition = (inline ? ContentDisposition.inline() : ContentDisposition.attachment())
                .filename(Uploads.safeFileName(file.fileName()), StandardCharsets.UTF_8).build();
        return ResponseEntity.ok()
                .contentType(inline ? MediaType.parseMediaType(type) : MediaType.APPLICATION_OCTET_STREAM)
                .header(HttpHeaders.CONTENT_DISPOSITION, disposition.toString())
                .header("Content-Security-Policy", "sandbox; default-src 'none'")
                .cacheControl(CacheControl.maxAge(Duration.ofHours(1)).cachePrivate())
                .body(file.bytes());
    }

    /** An answer for a file that cannot be shown: its status and why, in words. */
    static ResponseEntity<byte[]> unavailable(int status, String why) {
        return ResponseEntity.status(status).contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
                .body(why.getBytes(StandardCharsets.UTF_8));
    }

    /** What the reply form says of files: the largest, and the types it accepts. */
    record UploadHints(String maxSize, String accept) {
    }

    UploadHints uploadHints() {
        return new UploadHints(MediaProperties.readable(properties.maxUploadSize().toBytes()),
                String.join(",", properties.uploadTypes()));
    }
}
