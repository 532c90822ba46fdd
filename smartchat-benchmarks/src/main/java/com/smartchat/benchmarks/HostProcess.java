package com.smartchat.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host as production runs it: {@code java -jar smartchat-host.jar} in a process of its own, on loopback, with
 * its embedded database in a data directory of the benchmark's, the Telegram plugin jar, and the emulator as its
 * Bot API server.
 */
final class HostProcess implements AutoCloseable {

    static final String ADMIN = "bench";
    static final String PASSWORD = "bench-password-123";
    /** In an extra argument, stands for the host's own base URL, such as {@code --smartchat.public-url=SELF}. */
    static final String SELF = "{self}";

    private final Process process;
    private final int port;
    private final long launchedNanos;
    private final Path log;
    private final HostApi api;

    private HostProcess(Process process, int port, long launchedNanos, Path log) {
        this.process = process;
        this.port = port;
        this.launchedNanos = launchedNanos;
        this.log = log;
        this.api = new HostApi(port, ADMIN, PASSWORD);
    }

    /** The host's files and settings, from {@code --host-jar}, {@code --plugins-dir}, {@code --host-jvm-args}, {@code --host-args}. */
    record Setup(Path hostJar, Path pluginsDir, List<String> jvmArgs, List<String> hostArgs) {

        static Setup from(Options options) {
            Path jar = options.path("host-jar", "smartchat-host/target/smartchat-host.jar");
            Path plugins = options.path("plugins-dir", "smartchat-host/target/plugins");
            if (!Files.isRegularFile(jar) || !Files.isDirectory(plugins)) {
                throw new IllegalStateException("Build first (./mvnw -B -q install -DskipTests): missing " + jar
                        + " or " + plugins + "; or give --host-jar and --plugins-dir");
            }
            return new Setup(jar, plugins, words(options.string("host-jvm-args", "")),
                    words(options.string("host-args", "")));
        }

        /** Whether the host stores in PostgreSQL rather than in its embedded H2 database. */
        boolean usesPostgres() {
            return hostArgs.stream().anyMatch(arg -> arg.startsWith("--spring.datasource.url=jdbc:postgresql:"));
        }

        private static List<String> words(String text) {
            return text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
        }
    }

    /**
     * Launches a host.
     *
     * @param pollTimeoutSeconds the Telegram long poll's timeout, or 0 for the host's default
     */
    static HostProcess start(Setup setup, Path dataDir, String apiUrl, int pollTimeoutSeconds, String... extraArgs)
            throws IOException {
        Files.createDirectories(dataDir);
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(setup.jvmArgs());
        command.add("-jar");
        command.add(setup.hostJar().toString());
        command.add("--server.port=" + port);
        command.add("--server.address=127.0.0.1");
        command.add("--smartchat.data-dir=" + dataDir);
        command.add("--smartchat.plugins.dir=" + setup.pluginsDir());
        command.add("--smartchat.plugins.telegram.api-url=" + apiUrl);
        if (pollTimeoutSeconds > 0) {
            command.add("--smartchat.plugins.telegram.poll-timeout=" + pollTimeoutSeconds);
        }
        for (String arg : extraArgs) {
            command.add(arg.replace(SELF, "http://127.0.0.1:" + port));
        }
        command.addAll(setup.hostArgs());
        Path log = dataDir.resolve("host-" + System.currentTimeMillis() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("SMARTCHAT_ADMIN_USER", ADMIN);
        builder.environment().put("SMARTCHAT_ADMIN_PASSWORD", PASSWORD);
        long launched = System.nanoTime();
        Process process = builder.start();
        return new HostProcess(process, port, launched, log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    HostApi api() {
        return api;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** When the process was launched, in {@link System#nanoTime()}. */
    long launchedNanos() {
        return launchedNanos;
    }

    /**
     * Waits until {@code /actuator/health/readiness} says UP.
     *
     * @return the time from launching the JVM to ready
     */
    Duration awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The host exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> response = api.raw("GET", "/actuator/health/readiness", Duration.ofSeconds(2));
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                    return Duration.ofNanos(System.nanoTime() - launchedNanos);
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("The host was not ready within " + timeout + "; see " + log);
    }

    /** SIGKILL: the host ends at once, with nothing flushed or given back. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Ends the host as an operator would (SIGTERM: graceful shutdown), forcibly after a minute. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
