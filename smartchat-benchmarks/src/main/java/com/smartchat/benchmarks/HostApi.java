package com.smartchat.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The host's HTTP API as a client uses it: JSON, HTTP Basic. */
final class HostApi {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final String baseUrl;
    private final String authorization;

    HostApi(int port, String user, String password) {
        this(port, "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private HostApi(int port, String authorization) {
        this.baseUrl = "http://127.0.0.1:" + port;
        this.authorization = authorization;
    }

    /**
     * The same user through an API token of its own, made now: a token is checked by a fast hash, a password by
     * bcrypt, which would bound a benchmark that makes thousands of calls.
     */
    HostApi withToken(String user) {
        String token = post("/api/users/" + user + "/tokens", java.util.Map.of("name", "benchmark"), 201)
                .get("token").asString();
        return new HostApi(Integer.parseInt(baseUrl.substring(baseUrl.lastIndexOf(':') + 1)), "Bearer " + token);
    }

    /** A failed call: the status and what the host said. */
    static final class CallFailed extends RuntimeException {
        final int status;

        CallFailed(String message, int status) {
            super(message);
            this.status = status;
        }
    }

    JsonNode get(String path) {
        return send("GET", path, null, 200);
    }

    JsonNode post(String path, Object body, int expected) {
        return send("POST", path, body, expected);
    }

    /** The status and body, without checking. */
    HttpResponse<String> raw(String method, String path, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("Authorization", authorization).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode send(String method, String path, Object body, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", authorization);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        }
        if (response.statusCode() != expected) {
            throw new CallFailed(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body(), response.statusCode());
        }
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    /** A metric's first measurement from /actuator/metrics, or NaN when it is not there. */
    double metric(String name, String... tags) {
        try {
            JsonNode body = get(metricPath(name, tags));
            return body.get("measurements").get(0).get("value").asDouble();
        } catch (CallFailed e) {
            if (e.status == 404) {
                return Double.NaN;
            }
            throw e;
        }
    }

    /** A timer's count and total seconds so far, or zeros when it has not recorded yet. */
    record TimerTotals(double count, double seconds) {

        /** The mean in milliseconds of what was recorded between {@code earlier} and this. */
        double meanMillisSince(TimerTotals earlier) {
            double n = count - earlier.count;
            return n == 0 ? Double.NaN : (seconds - earlier.seconds) / n * 1000;
        }
    }

    TimerTotals timer(String name, String... tags) {
        try {
            double count = 0;
            double seconds = 0;
            for (JsonNode measurement : get(metricPath(name, tags)).get("measurements")) {
                switch (measurement.get("statistic").asString()) {
                    case "COUNT" -> count = measurement.get("value").asDouble();
                    case "TOTAL_TIME" -> seconds = measurement.get("value").asDouble();
                    default -> { }
                }
            }
            return new TimerTotals(count, seconds);
        } catch (CallFailed e) {
            if (e.status == 404) {
                return new TimerTotals(0, 0);
            }
            throw e;
        }
    }

    /** {@code /actuator/metrics/<name>}, narrowed to the tags given as {@code key:value} (already URL-encoded). */
    private static String metricPath(String name, String... tags) {
        StringBuilder path = new StringBuilder("/actuator/metrics/").append(name);
        for (int i = 0; i < tags.length; i++) {
            path.append(i == 0 ? '?' : '&').append("tag=").append(tags[i]);
        }
        return path.toString();
    }
}
