package com.smartchat.telegram.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client of the emulator for tests: real requests, no shortcut into its internals. */
final class BotApiClient {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String baseUrl;

    BotApiClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** An answer: HTTP status, raw body, parsed JSON (null when the body is not JSON) and headers. */
    record Response(int status, String text, JsonNode body, HttpHeaders headers) {

        JsonNode result() {
            return body.get("result");
        }

        String description() {
            return body.path("description").asString(null);
        }

        int errorCode() {
            return body.path("error_code").asInt();
        }
    }

    /** POSTs a JSON body built from alternating names and values, as TelegramBots does. */
    Response call(String token, String method, Object... namesAndValues) {
        return send(json(url(token, method), params(namesAndValues)));
    }

    /** Sends the same JSON call without waiting, for long polls. */
    CompletableFuture<Response> callAsync(String token, String method, Object... namesAndValues) {
        return http.sendAsync(json(url(token, method), params(namesAndValues)),
                HttpResponse.BodyHandlers.ofString()).thenApply(BotApiClient::toResponse);
    }

    /** POSTs an application/x-www-form-urlencoded body. */
    Response form(String token, String method, Map<String, String> fields) {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(url(token, method)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** POSTs a multipart/form-data body the way OkHttp builds it: text parts, then one file part. */
    Response multipart(String token, String method, Map<String, String> fields, String filePart, String fileName,
                       byte[] content) {
        String boundary = "b0undary-" + System.nanoTime();
        StringBuilder text = new StringBuilder();
        fields.forEach((name, value) -> text.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n")
                .append("Content-Length: ").append(value.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n")
                .append(value).append("\r\n"));
        byte[] head = (text + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + filePart
                + "\"; filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        return send(HttpRequest.newBuilder(URI.create(url(token, method)))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** POSTs a body as given. */
    Response raw(String token, String method, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(token, method)))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A GET to any path of the emulator. */
    Response get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET().build());
    }

    /** A GET returning raw bytes (file downloads). */
    HttpResponse<byte[]> download(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JSON POST that may fail at the connection level; returns the exception instead of throwing. */
    Exception failure(String token, String method) {
        try {
            http.send(json(url(token, method), Map.of()), HttpResponse.BodyHandlers.ofString());
            return null;
        } catch (IOException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String url(String token, String method) {
        return baseUrl + "/bot" + token + "/" + method;
    }

    private static HttpRequest json(String url, Map<String, Object> params) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(params))).build();
    }

    private static Map<String, Object> params(Object... namesAndValues) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return params;
    }

    private Response send(HttpRequest request) {
        try {
            return toResponse(http.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Response toResponse(HttpResponse<String> response) {
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (RuntimeException e) {
            body = null;
        }
        return new Response(response.statusCode(), response.body(), body, response.headers());
    }
}
