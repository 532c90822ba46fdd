package com.smartchat.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * What it costs the host to check who is calling: the host's CPU time per API request ({@code GET /api/spaces}, one
 * Space) with an API token, with HTTP Basic (bcrypt), with an unknown token (the token check alone, then 401), with
 * no credentials at all (401), and per request refused during a sign-in lock-out (429, no bcrypt). Requests are sent one at a time
 * over one connection; the CPU time is the host process's own (user + system, from /proc), so the client's does
 * not count.
 */
final class AuthBenchmark {

    private AuthBenchmark() {
    }

    private record Kind(String name, String authorization, int expectedStatus, int requests) {
    }

    static void run(Options options) throws Exception {
        int requests = options.integer("requests", 5000);
        int basicRequests = options.integer("basic-requests", 300);
        HostProcess.Setup setup = HostProcess.Setup.from(options);
        Report report = new Report("Authentication cost", options);
        Path work = Fixtures.tempDir("auth");
        // no channel is made, so the Bot API server is never called
        try (HostProcess host = HostProcess.start(setup, work, "http://127.0.0.1:9", 0)) {
            host.awaitReady(Duration.ofSeconds(120));
            Fixtures.space(host.api(), "Auth");
            String token = host.api().post("/api/users/" + HostProcess.ADMIN + "/tokens",
                    Map.of("name", "benchmark"), 201).get("token").asString();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String base = "http://127.0.0.1:" + host.port();
            String wrong = basic("guesser", "not-the-password");
            String unknownToken = "Bearer sct_" + "A".repeat(43);
            Kind[] kinds = {
                    new Kind("no credentials (401 through the error page)", null, 401, requests),
                    new Kind("API token that does not exist (401 from the token check)", unknownToken, 401, requests),
                    new Kind("API token (Bearer)", "Bearer " + token, 200, requests),
                    new Kind("HTTP Basic, right password", basic(HostProcess.ADMIN, HostProcess.PASSWORD), 200,
                            basicRequests),
                    new Kind("HTTP Basic, wrong password during a lock-out (429)", wrong, 429, requests)};
            for (Kind kind : kinds) { // JIT warm-up of every path but the lock-out's before any is measured
                for (int i = 0; kind.expectedStatus() != 429 && i < kind.requests() / 2; i++) {
                    check(kind, send(http, base, kind.authorization()));
                }
            }
            JvmProbe probe = new JvmProbe(host.pid());
            report.line("| request | requests | host CPU per request ms | wall per request ms |");
            report.line("| --- | ---: | ---: | ---: |");
            for (Kind kind : kinds) {
                if (kind.expectedStatus() == 429) {
                    lockOut(http, base, wrong);
                }
                for (int i = 0; i < kind.requests() / 5; i++) { // warm-up, again right before
                    check(kind, send(http, base, kind.authorization()));
                }
                double cpuBefore = probe.cpuSeconds();
                long started = System.nanoTime();
                for (int i = 0; i < kind.requests(); i++) {
                    check(kind, send(http, base, kind.authorization()));
                }
                long elapsed = System.nanoTime() - started;
                double cpu = probe.cpuSeconds() - cpuBefore;
                report.line("| %s | %,d | %.3f | %.3f |", kind.name(), kind.requests(), cpu * 1000 / kind.requests(),
                        elapsed / 1e6 / kind.requests());
            }
            report.line("host log %s", host.log());
        } finally {
            if (!options.flag("keep")) {
                Fixtures.delete(work);
            }
        }
        report.end();
    }

    /**
     * Guesses until the guesser is locked out for at least 30 s, waiting out each shorter lock-out (they double:
     * 1, 2, 4, 8, 16 s), so that the measured requests all fall into one lock-out.
     */
    private static void lockOut(HttpClient http, String base, String wrong) throws Exception {
        while (true) {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/spaces"))
                    .header("Authorization", wrong).GET().build(), HttpResponse.BodyHandlers.discarding());
            long retryAfter = response.headers().firstValueAsLong("Retry-After").orElse(0);
            if (retryAfter >= 30) {
                return;
            }
            Thread.sleep(retryAfter * 1000);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static int send(HttpClient http, String base, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/spaces"))
                .timeout(Duration.ofSeconds(30)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void check(Kind kind, int status) {
        if (status != kind.expectedStatus()) {
            throw new IllegalStateException(kind.name() + ": expected " + kind.expectedStatus() + ", got " + status);
        }
    }
}
