package com.smartchat.host.media;

import com.smartchat.host.outbound.ReplyFiles.ReplyFile;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Files agents attach to replies, checked against {@code smartchat.media.max-upload-size} and
 * {@code smartchat.media.upload-types}, for the inbox page and the API alike.
 */
@Component
public class Uploads {

    private final MediaProperties properties;

    public Uploads(MediaProperties properties) {
        this.properties = properties;
    }

    /** A file that cannot be attached, and why, in words for the agent, with the HTTP status that says so. */
    public static final class Refused extends Exception {

        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        /** 413 for a file too large, 415 for a type that cannot be attached, 400 otherwise. */
        public int status() {
            return status;
        }
    }

    /**
     * The file of a reply form's file field.
     *
     * @param part the field, or {@code null}
     * @return the file, or {@code null} when none was chosen
     * @throws Refused when it is too large or of a type that cannot be attached
     */
    public ReplyFile accept(Part part) throws Refused {
        if (part == null || part.getSize() == 0
                && (part.getSubmittedFileName() == null || part.getSubmittedFileName().isBlank())) {
            return null;
        }
        long max = properties.maxUploadSize().toBytes();
        if (part.getSize() > max) {
            throw new Refused(413, "The file is " + MediaProperties.readable(part.getSize()) + "; a reply's file can be at most "
                    + MediaProperties.readable(max) + ".");
        }
        if (part.getSize() == 0) {
            throw new Refused(400, "The file is empty: choose another one.");
        }
        String type = part.getContentType() == null ? "" : part.getContentType().split(";")[0].strip()
                .toLowerCase(Locale.ROOT);
        if (!properties.uploadTypes().contains(type)) {
            throw new Refused(415, "Files of type " + (type.isEmpty() ? "unknown" : type) + " cannot be attached. Attach "
                    + "an image or a document of these types: " + String.join(", ", properties.uploadTypes()) + ".");
        }
        try (InputStream in = part.getInputStream()) {
            return new ReplyFile(safeFileName(part.getSubmittedFileName()), type, in.readAllBytes());
        } catch (IOException e) {
            throw new Refused(400, "The file could not be read; attach it again.");
        }
    }

    /** A name that cannot climb folders, hide an extension or break a header: letters, digits and a few marks. */
    public static String safeFileName(String name) {
        String base = name == null ? "" : name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        String safe = base.replaceAll("[^\\p{L}\\p{N} ._()+-]", "_").replaceAll("^[ .]+", "").strip();
        if (safe.length() > 100) {
            int dot = safe.lastIndexOf('.');
            String extension = dot > 0 && safe.length() - dot <= 10 ? safe.substring(dot) : "";
            safe = safe.substring(0, 100 - extension.length()) + extension;
        }
        return safe.isEmpty() ? "file" : safe;
    }
}
