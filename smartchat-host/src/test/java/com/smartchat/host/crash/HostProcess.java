package com.smartchat.host.crash;

import com.smartchat.host.ApiClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host as production runs it, {@code java -jar smartchat-host.jar} in a process of its own with the Telegram
 * plugin jar, which a test can kill with SIGKILL and start again on the same data. Its output goes to a log file in
 * the data directory, appended to across restarts.
 */
public final class HostProcess {

    /** The start of a line of Spring Boot's console log: its time and level. */
    private static final Pattern LOG_LINE =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\S+\\s+(TRACE|DEBUG|INFO|WARN|ERROR)\\s");
    /** A line of a stack trace that names a frame, or says how many more there are. */
    private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ more)");
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

    /** The host's output, appended to across restarts. */
    public Path log() {
        return log;
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
                throw new IllegalStateException("The host exited with " + process.exitValue() + "; see " + log
                        + ", which ends:\n" + messagesOfThisStart());
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
        throw new IllegalStateException("The host was not ready within " + timeout + "; see " + log
                + ", which ends:\n" + messagesOfThisStart());
    }

    /**
     * What this start logged, without stack frames, for a failure message: a CI run keeps the test's output, not its
     * files, and the cause of a failed start is in the messages and their "Caused by" lines.
     */
    private String messagesOfThisStart() throws IOException {
        // decoded leniently: a stray byte in the log must not hide why the host did not start
        List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            start = lines.get(i).startsWith("===== start ") ? i : start;
        }
        List<String> messages = lines.subList(start, lines.size()).stream()
                .filter(line -> !STACK_FRAME.matcher(line).lookingAt()).toList();
        return String.join("\n", messages.subList(Math.max(0, messages.size() - 60), messages.size()));
    }

    /** SIGKILL: the process ends at once, with nothing flushed or closed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("The host did not die within 30 s of SIGKILL");
        }
    }

    /** Ends the host as an operator would (SIGTERM), forcibly after 60 s; nothing when it is not running. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /**
     * What a normal stop did: the host's exit code, and each line it logged at ERROR from the SIGTERM on, with the
     * lines of its stack trace.
     */
    public record Stop(int exitCode, List<String> errors) {
    }

    /** {@link #stop()}, then what the host logged meanwhile. */
    public Stop stopAndRead() throws IOException, InterruptedException {
        long logged = Files.size(log);
        stop();
        byte[] all = Files.readAllBytes(log);
        List<String> errors = new ArrayList<>();
        boolean inError = false;
        for (String line : new String(all, (int) logged, all.length - (int) logged, StandardCharsets.UTF_8)
                .split("\\R")) {
            // a line without time and level continues the one before (a stack trace)
            Matcher logLine = LOG_LINE.matcher(line);
            inError = logLine.lookingAt() ? logLine.group(1).equals("ERROR") : inError;
            if (inError) {
                errors.add(line);
            }
        }
        return new Stop(process.exitValue(), errors);
    }
}
