package com.smartchat.host.crash;

import com.smartchat.host.ApiClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host as production runs it, {@code java -jar smartchat-host.jar} in a process of its own with the Telegram
 * plugin jar, which a test can kill with SIGKILL and start again on the same data. Its output goes to a log file in
 * the data directory, appended to across restarts.
 */
public final class HostProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<String> command;
    private final Path log;
    private final int port;
    private Process process;

    /**
     * @param settings the host's settings, as {@code --name=value} arguments
     */
    public HostProcess(Path jar, Path logFile, int port, List<String> settings) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // a quick start matters more here than the host's top speed: it starts once per kill
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m"));
        command.add("-jar");
        command.add(jar.toString());
        command.add("--server.port=" + port);
        command.addAll(settings);
        this.command = List.copyOf(command);
        this.log = logFile;
        this.port = port;
    }

    /**
     * Starts the host and waits until it is ready (its readiness probe says UP).
     *
     * @return how long it took
     */
    public Duration start(Duration timeout) throws IOException, InterruptedException {
        Files.writeString(log, "\n===== start " + Instant.now() + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("SMARTCHAT_ADMIN_USER", ApiClient.ADMIN);
        builder.environment().put("SMARTCHAT_ADMIN_PASSWORD", ApiClient.ADMIN_PASSWORD);
        long launched = System.nanoTime();
        process = builder.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest readiness = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The host exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> response = HTTP.send(readiness, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                    return Duration.ofNanos(System.nanoTime() - launched);
                }
            } catch (IOException notListeningYet) {
                // starting
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("The host was not ready within " + timeout + "; see " + log);
    }

    /** SIGKILL: the process ends at once, with nothing flushed or closed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("The host did not die within 30 s of SIGKILL");
        }
    }

    /** Ends the host as an operator would (SIGTERM), forcibly after 30 s. */
    public void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
