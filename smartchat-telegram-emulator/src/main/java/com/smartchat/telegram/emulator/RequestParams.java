package com.smartchat.telegram.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * The parameters of one Bot API request, from the query string and from a JSON, form or multipart body.
 *
 * <p>Like Telegram, every parameter may come as text: numbers as {@code "123"}, objects such as
 * {@code reply_markup} as JSON text (form and multipart bodies cannot do otherwise, and TelegramBots sends
 * {@code chat_id} as a JSON string). The accessors therefore accept both shapes.
 */
final class RequestParams {

    private final Map<String, JsonNode> values = new HashMap<>();
    private final Map<String, Upload> uploads = new HashMap<>();

    private RequestParams() {
    }

    /** A file part of a multipart body. */
    record Upload(String fileName, String contentType, byte[] bytes) {
    }

    /**
     * Reads the parameters of a request.
     *
     * @param rawQuery the raw query string, or null
     * @param contentType the Content-Type header, or null
     * @param body the request body, possibly empty
     */
    static RequestParams parse(String rawQuery, String contentType, byte[] body) throws BotApiException {
        RequestParams params = new RequestParams();
        if (rawQuery != null) {
            params.readForm(rawQuery);
        }
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (body.length == 0) {
            return params;
        }
        if (type.startsWith("application/json")) {
            params.readJson(body);
        } else if (type.startsWith("application/x-www-form-urlencoded")) {
            params.readForm(new String(body, StandardCharsets.UTF_8));
        } else if (type.startsWith("multipart/form-data")) {
            params.readMultipart(contentType, body);
        }
        return params;
    }

    /** The parameter as text (objects as JSON text), or null when it is absent or JSON null. */
    String string(String name) {
        JsonNode node = values.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isString()) {
            return node.stringValue();
        }
        return node.isValueNode() ? node.asString() : Json.write(node);
    }

    /** Whether the parameter is present and not empty text. */
    boolean has(String name) {
        String value = string(name);
        return value != null && !value.isEmpty();
    }

    /**
     * The parameter as JSON: an object or array sent as such, or JSON text parsed.
     *
     * @return the JSON value, or null when the parameter is absent or empty
     * @throws IllegalArgumentException when the text is not JSON
     */
    JsonNode json(String name) {
        JsonNode node = values.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            return node;
        }
        if (node.stringValue().isBlank()) {
            return null;
        }
        try {
            return Json.parse(node.stringValue());
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + name, e);
        }
    }

    /**
     * The parameter as an integer, read the way Telegram does: absent or empty gives {@code defaultValue},
     * otherwise the leading digits count and anything else gives 0.
     */
    long longValue(String name, long defaultValue) {
        String text = string(name);
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        text = text.strip();
        int end = text.startsWith("-") ? 1 : 0;
        while (end < text.length() && Character.isDigit(text.charAt(end)) && end < 19) {
            end++;
        }
        try {
            return Long.parseLong(text.substring(0, end));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** An integer parameter clamped to [min, max], as Telegram clamps instead of rejecting. */
    int clampedInt(String name, int defaultValue, int min, int max) {
        return (int) Math.max(min, Math.min(max, longValue(name, defaultValue)));
    }

    /** A boolean parameter: {@code true} or {@code 1}. */
    boolean bool(String name) {
        String text = string(name);
        return text != null && (text.equalsIgnoreCase("true") || text.equals("1"));
    }

    /** A file part sent under {@code name}, or null. */
    Upload upload(String name) {
        return uploads.get(name);
    }

    private void readJson(byte[] body) throws BotApiException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw BotApiException.badRequest("can't parse JSON object");
        }
        if (root != null && root.isObject()) {
            for (Map.Entry<String, JsonNode> field : root.properties()) {
                values.put(field.getKey(), field.getValue());
            }
        }
    }

    private void readForm(String form) {
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.put(name, StringNode.valueOf(value));
        }
    }

    /** Reads a multipart/form-data body: text parts become parameters, parts with a file name become uploads. */
    private void readMultipart(String contentType, byte[] body) throws BotApiException {
        String boundary = headerParameter(contentType, "boundary");
        if (boundary == null) {
            throw BotApiException.badRequest("can't parse multipart body");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] partEnd = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delimiter, 0);
        while (pos >= 0) {
            pos += delimiter.length;
            if (pos + 1 < body.length && body[pos] == '-' && body[pos + 1] == '-') {
                return;
            }
            int headersStart = skipLineBreak(body, pos);
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                return;
            }
            int contentStart = headersEnd + 4;
            int contentEnd = indexOf(body, partEnd, contentStart);
            if (contentEnd < 0) {
                return;
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            readPart(headers, Arrays.copyOfRange(body, contentStart, contentEnd));
            pos = contentEnd + 2;
        }
    }

    private void readPart(String headers, byte[] content) {
        String disposition = null;
        String partType = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String header = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (header.equals("content-disposition")) {
                disposition = line.substring(colon + 1);
            } else if (header.equals("content-type")) {
                partType = line.substring(colon + 1).strip();
            }
        }
        String name = disposition == null ? null : headerParameter(disposition, "name");
        if (name == null) {
            return;
        }
        String fileName = headerParameter(disposition, "filename");
        if (fileName != null) {
            uploads.put(name, new Upload(fileName, partType, content));
        } else {
            values.put(name, StringNode.valueOf(new String(content, StandardCharsets.UTF_8)));
        }
    }

    /** The value of {@code name=value} or {@code name="value"} in a header such as Content-Disposition. */
    private static String headerParameter(String header, String name) {
        for (String piece : header.split(";")) {
            String trimmed = piece.strip();
            int eq = trimmed.indexOf('=');
            if (eq > 0 && trimmed.substring(0, eq).strip().equalsIgnoreCase(name)) {
                String value = trimmed.substring(eq + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
    }

    private static int skipLineBreak(byte[] body, int pos) {
        if (pos < body.length && body[pos] == '\r') {
            pos++;
        }
        if (pos < body.length && body[pos] == '\n') {
            pos++;
        }
        return pos;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
