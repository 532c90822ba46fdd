package com.smartchat.host;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Calls the host's HTTP API as a client would: real HTTP, JSON, HTTP Basic or an API token. */
public final class ApiClient {

    /** The admin the test configuration creates. */
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "test-admin-password";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http;
    private final String baseUrl;
    private final String authorization;

    private ApiClient(String baseUrl, String authorization) {
        this(HttpClient.newHttpClient(), baseUrl, authorization);
    }

    private ApiClient(HttpClient http, String baseUrl, String authorization) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.authorization = authorization;
    }

    /** A client authenticated by an API token. */
    public static ApiClient withToken(int port, String token) {
        return new ApiClient("http://localhost:" + port, "Bearer " + token);
    }

    /**
     * The same client connecting from another loopback address, such as {@code 127.0.0.2}, so that the host sees
     * another client address.
     */
    public ApiClient from(String loopbackAddress) {
        try {
            return new ApiClient(HttpClient.newBuilder().localAddress(InetAddress.getByName(loopbackAddress)).build(),
                    baseUrl.replace("localhost", "127.0.0.1"), authorization);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(loopbackAddress, e);
        }
    }

    /** A client signed in as the test admin. */
    public static ApiClient admin(int port) {
        return as(port, ADMIN, ADMIN_PASSWORD);
    }

    /**
     * The test admin through an API token made for it: no password hash to check on each request, for tests that
     * poll on a busy machine.
     */
    public static ApiClient adminToken(int port) {
        return withToken(port, admin(port).post("/api/users/" + ADMIN + "/tokens", Map.of("name", "test polling"))
                .body().get("token").asString());
    }

    /** A client signed in as a user. */
    public static ApiClient as(int port, String user, String password) {
        return new ApiClient("http://localhost:" + port, "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** A client with no credentials. */
    public static ApiClient anonymous(int port) {
        return new ApiClient("http://localhost:" + port, null);
    }

    /**
     * A response.
     *
     * @param body the body parsed as JSON, or a JSON string node holding the raw text when it is not JSON
     * @param headers the response's headers
     */
    public record Response(int status, String contentType, String text, JsonNode body, HttpHeaders headers) {

        /** A header's first value, or "" when there is none. */
        public String header(String name) {
            return headers.firstValue(name).orElse("");
        }
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body);
    }

    public Response patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    /** Sends a raw body, for requests no well-behaved client would make. */
    public Response postRaw(String path, String rawBody) {
        return send("POST", path, new RawBody(rawBody));
    }

    private record RawBody(String text) {
    }

    /** A file to post as {@code multipart/form-data}, with text fields beside it. */
    public record FilePart(String field, String fileName, String type, byte[] content) {
    }

    private record MultipartBody(Map<String, String> fields, FilePart file) {
        static final String BOUNDARY = "smartchat-test-boundary";

        byte[] bytes() {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            fields.forEach((name, value) -> body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; "
                    + "name=\"" + name + "\"\r\n\r\n" + value + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + file.field()
                    + "\"; filename=\"" + file.fileName() + "\"\r\nContent-Type: " + file.type() + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            body.writeBytes(file.content());
            body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return body.toByteArray();
        }
    }

    /** Posts text fields and a file as {@code multipart/form-data}, as a program uploads one. */
    public Response postMultipart(String path, Map<String, String> fields, FilePart file) {
        return send("POST", path, new MultipartBody(fields, file));
    }

    private Response send(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else if (body instanceof MultipartBody multipart) {
            request.header("Content-Type", "multipart/form-data; boundary=" + MultipartBody.BOUNDARY)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(multipart.bytes()));
        } else {
            String text = body instanceof RawBody raw ? raw.text() : JSON.writeValueAsString(body);
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(text));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            JsonNode json;
            try {
                json = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            } catch (RuntimeException notJson) {
                json = JSON.getNodeFactory().stringNode(response.body());
            }
            return new Response(response.statusCode(), contentType, response.body(), json, response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " was interrupted", e);
        }
    }
}
