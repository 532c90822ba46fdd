package com.smartchat.benchmarks;

import com.smartchat.host.crash.CrashScenario;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * The crash suite of the host's build ({@code HostCrashIT}), longer: more channels, members and kills, run
 * {@code --runs} times with seeds seed, seed + 1, ... on the host's default embedded database. Each run prints what
 * it found: messages stored against sent, greetings and replies uncertain, and every problem (a message lost or
 * stored twice, out of order, a greeting or reply delivered twice or lost, an error logged at the final stop).
 * {@code --faults} turns the Bot API's faults on (502s, 429s, dropped connections, lost answers, slow sends) on top
 * of the kills. {@code --host-args} adds host settings, for example a datasource URL to measure another database or
 * setting.
 */
final class CrashBenchmark {

    private CrashBenchmark() {
    }

    static void run(Options options) throws Exception {
        int runs = options.integer("runs", 1);
        long seed = Long.parseLong(options.string("seed", String.valueOf(new SecureRandom().nextLong())));
        int channelsPerMode = options.integer("channels-per-mode", 3);
        int members = options.integer("members", 35);
        int messages = options.integer("messages", 10);
        int kills = options.integer("kills", 10);
        boolean faults = options.flag("faults");
        Duration maxKillDelay = options.seconds("max-kill-delay", 8);
        HostProcess.Setup setup = HostProcess.Setup.from(options);
        Report report = new Report("Crash", options);
        report.line("| run | seed | members | sent | stored | kills | greetings uncertain (delivered) | replies accepted "
                + "| sent | uncertain | problems | start to ready, median | time |");
        report.line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        int failed = 0;
        for (int run = 1; run <= runs; run++) {
            Path work = Fixtures.tempDir("crash");
            CrashScenario.Result result = CrashScenario.run(new CrashScenario.Settings(seed + run - 1, channelsPerMode,
                    members, messages, kills, faults, maxKillDelay, setup.hostJar(), setup.pluginsDir(),
                    work.resolve("data"), work.resolve("host.log"), setup.hostArgs(), Duration.ofMinutes(5)));
            List<Duration> starts = result.restarts().stream().sorted().toList();
            report.line("| %d | %d | %d | %,d | %,d | %d | %d (%d) | %d | %d | %d | %d | %.1f s | %d s |", run,
                    result.seed(), result.members(), result.messagesSent(), result.messagesStored(),
                    result.killedAfter().size(), result.greetingsUncertain(), result.greetingsUncertainDelivered(),
                    result.repliesAccepted(), result.repliesSent(), result.repliesUncertain(), result.problems().size(),
                    starts.get(starts.size() / 2).toMillis() / 1000.0, result.duration().toSeconds());
            if (result.problems().isEmpty() && !options.flag("keep")) {
                Fixtures.delete(work);
            } else {
                failed++;
                result.problems().forEach(problem -> report.line("  problem: %s", problem));
                report.line("  kept %s", work);
            }
        }
        report.line("");
        report.line("%d of %d runs found problems", failed, runs);
        report.end();
    }
}
