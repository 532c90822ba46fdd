package com.smartchat.benchmarks;

/**
 * Start-up: JVM start to ready ({@code /actuator/health/readiness} UP) and to every channel RUNNING and polling,
 * with 0, 1,000 and 10,000 channels, each restarted {@code --restarts} times. Channels are created through the API
 * first, as in {@link FleetBenchmark}.
 */
final class StartupBenchmark {

    private StartupBenchmark() {
    }

    static void run(Options options) throws Exception {
        FleetBenchmark.run(options, true);
    }
}
