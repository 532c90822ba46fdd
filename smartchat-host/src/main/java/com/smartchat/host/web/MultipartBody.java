package com.smartchat.host.web;

import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code multipart/form-data} body (RFC 7578), read whole by {@link BodyDeadlineFilter} through its deadline and
 * parsed here, so that the servlet container never reads a multipart body itself (its reads would escape the
 * deadline). Text fields become parameters; file fields become {@link Part}s.
 */
final class MultipartBody {

    /** Fields without a file name, as parameters. */
    final Map<String, List<String>> fields = new LinkedHashMap<>();
    /** Every part, files and fields, in order. */
    final List<Part> parts = new ArrayList<>();

    /**
     * @throws IllegalArgumentException when the body is not valid multipart with this boundary
     */
    MultipartBody(byte[] body, String boundary) {
        // ISO-8859-1 maps each byte to one char: the delimiters are found in text, the content taken as bytes
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + boundary;
        int at = text.startsWith(delimiter) ? 0 : text.indexOf("\r\n" + delimiter);
        if (at < 0) {
            throw new IllegalArgumentException("no boundary");
        }
        at = text.indexOf(delimiter, at) + delimiter.length();
        while (!text.startsWith("--", at)) {
            if (!text.startsWith("\r\n", at)) {
                throw new IllegalArgumentException("a boundary without a line end");
            }
            int headersEnd = text.indexOf("\r\n\r\n", at + 2);
            int next = text.indexOf("\r\n" + delimiter, headersEnd < 0 ? at : headersEnd);
            if (headersEnd < 0 || next < 0) {
                throw new IllegalArgumentException("an unterminated part");
            }
            add(text.substring(at + 2, headersEnd), body, headersEnd + 4, next);
            at = next + 2 + delimiter.length();
        }
    }

    private void add(String headerText, byte[] body, int from, int to) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : headerText.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                // header values are UTF-8 in practice (browsers send file names so)
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), new String(
                        line.substring(colon + 1).strip().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            }
        }
        String disposition = headers.getOrDefault("content-disposition", "");
        String name = attribute(disposition, "name");
        if (name == null) {
            throw new IllegalArgumentException("a part without a name");
        }
        String fileName = attribute(disposition, "filename");
        byte[] content = java.util.Arrays.copyOfRange(body, from, to);
        if (fileName == null) {
            fields.computeIfAbsent(name, key -> new ArrayList<>()).add(new String(content, StandardCharsets.UTF_8));
        }
        parts.add(new BufferedPart(name, fileName, headers, content));
    }

    /** {@code name="value"} in a Content-Disposition header, or null. */
    private static String attribute(String disposition, String attribute) {
        for (String piece : disposition.split(";")) {
            String trimmed = piece.strip();
            if (trimmed.regionMatches(true, 0, attribute + "=", 0, attribute.length() + 1)) {
                String value = trimmed.substring(attribute.length() + 1);
                return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                        ? value.substring(1, value.length() - 1).replace("\\\"", "\"") : value;
            }
        }
        return null;
    }

    /** One part, held in memory. */
    private record BufferedPart(String name, String fileName, Map<String, String> headers, byte[] content)
            implements Part {

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(content);
        }

        @Override
        public String getContentType() {
            return headers.get("content-type");
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getSubmittedFileName() {
            return fileName;
        }

        @Override
        public long getSize() {
            return content.length;
        }

        @Override
        public void write(String path) throws IOException {
            Files.write(Path.of(path), content);
        }

        @Override
        public void delete() {
            // held in memory only
        }

        @Override
        public String getHeader(String header) {
            return headers.get(header.toLowerCase(Locale.ROOT));
        }

        @Override
        public Collection<String> getHeaders(String header) {
            String value = getHeader(header);
            return value == null ? List.of() : List.of(value);
        }

        @Override
        public Collection<String> getHeaderNames() {
            return headers.keySet();
        }
    }
}
