package com.smartchat.benchmarks;

import java.util.Arrays;

/**
 * {@code java -jar smartchat-benchmarks/target/smartchat-benchmarks.jar <benchmark> [--option=value ...]}, from the
 * repository's root after {@code ./mvnw -B -q install -DskipTests}. Benchmarks: {@code inbound}, {@code pipeline},
 * {@code fleet}, {@code pacing}, {@code startup}, {@code auth}, {@code crash}, {@code cluster}, {@code inbox}; {@code jmh} runs the JMH micro-benchmarks.
 * BENCHMARKS.md lists the options, the commands and the figures.
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: java -jar smartchat-benchmarks.jar inbound|pipeline|fleet|pacing|startup|auth|crash|cluster|inbox|jmh [--name=value ...]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(rest);
            return;
        }
        Options options = new Options(rest);
        switch (args[0]) {
            case "inbound" -> InboundBenchmark.run(options);
            case "pipeline" -> PipelineBenchmark.run(options);
            case "fleet" -> FleetBenchmark.run(options);
            case "pacing" -> PacingBenchmark.run(options);
            case "startup" -> StartupBenchmark.run(options);
            case "auth" -> AuthBenchmark.run(options);
            case "crash" -> CrashBenchmark.run(options);
            case "cluster" -> ClusterBenchmark.run(options);
            case "inbox" -> InboxBenchmark.run(options);
            default -> {
                System.err.println("unknown benchmark " + args[0]);
                System.exit(2);
            }
        }
        if (!options.unknown().isEmpty()) {
            System.err.println("ignored options (typos?): " + options.unknown());
        }
        System.exit(0);
    }
}
