package com.smartchat.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@link BareEchoBots} in a JVM of its own, started the same way as the host: same java, no JVM options. */
final class BareProcess implements AutoCloseable {

    private final Process process;
    private final long launchedNanos;
    private final BufferedReader out;
    private final long heap0;

    private BareProcess(Process process, long launchedNanos, BufferedReader out, long heap0) {
        this.process = process;
        this.launchedNanos = launchedNanos;
        this.out = out;
        this.heap0 = heap0;
    }

    static BareProcess start(String apiUrl, List<String> tokens, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path tokenFile = workDir.resolve("tokens.txt");
        Files.write(tokenFile, tokens);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BareEchoBots.class.getName());
        command.add(apiUrl);
        command.add(tokenFile.toString());
        long launched = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(workDir.resolve("bare.err").toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith("HEAP0 ")) {
            throw new IllegalStateException("the bare bots did not start: " + first + "; see " + workDir);
        }
        return new BareProcess(process, launched, out, Long.parseLong(first.substring(6).strip()));
    }

    /** Waits for READY: every bot registered (its poller scheduled). */
    Duration awaitRegistered() throws IOException {
        String line = out.readLine();
        if (line == null || !line.startsWith("READY")) {
            throw new IllegalStateException("the bare bots did not register: " + line);
        }
        return Duration.ofNanos(System.nanoTime() - launchedNanos);
    }

    long launchedNanos() {
        return launchedNanos;
    }

    long pid() {
        return process.pid();
    }

    /** Heap after a GC before any bot existed. */
    long heap0() {
        return heap0;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
