package com.smartchat.host.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the host confirmed survives {@code kill -9} ({@link CrashScenario}): on the host's default embedded database
 * with the Bot API's faults on top of the kills, and, in the build's second test run, on the PostgreSQL server it
 * names (in a schema of its own), larger and without faults. Runs after the host's jar is built (failsafe,
 * {@code ./mvnw verify}). Each run ends with a normal stop (SIGTERM), which must log no error.
 *
 * <p>The seed is printed; {@code -Dsmartchat.crash.seed=<seed>} replays its random choices. The size of the run
 * without faults comes from
 * {@code smartchat.crash.channels-per-mode}, {@code .members}, {@code .messages} and {@code .kills};
 * {@code smartchat.crash.host-args} adds settings for the host, space-separated (for example a datasource URL with
 * H2's default {@code WRITE_DELAY}, to see what the suite catches). The host's log is kept in
 * {@code target/crash-logs}.
 */
class HostCrashIT {

    @TempDir
    Path dir;
    PostgresSchema postgres;

    @AfterEach
    void dropSchema() throws SQLException {
        if (postgres != null) {
            postgres.close();
        }
    }

    /**
     * On PostgreSQL, in the build's second test run; the embedded database is killed under the run with faults,
     * which keeps the build short.
     */
    @Test
    void whatTheHostConfirmedSurvivesKillMinus9AtRandomMoments() throws Exception {
        assumeTrue(PostgresSchema.available(), "runs in the build's second test run, on PostgreSQL");
        run("HostCrashIT", false, Integer.getInteger("smartchat.crash.channels-per-mode", 2),
                Integer.getInteger("smartchat.crash.members", 10), Integer.getInteger("smartchat.crash.messages", 8),
                Integer.getInteger("smartchat.crash.kills", 2));
    }

    /**
     * Smaller, to keep the build short: the faults come often, every few hundred milliseconds. Once, on the embedded
     * database: the faults are the Bot API's, and the kills of this run are the embedded database's.
     */
    @Test
    void whatTheHostConfirmedSurvivesKillMinus9AndBotApiFaults() throws Exception {
        assumeFalse(PostgresSchema.available(), "runs in the build's first test run, on the embedded database");
        run("HostCrashIT with Bot API faults", true, 1, 8, 8, 2);
    }

    private void run(String name, boolean faults, int channelsPerMode, int members, int messages, int kills)
            throws Exception {
        long seed = Long.getLong("smartchat.crash.seed", new SecureRandom().nextLong());
        System.out.println(name + ": seed " + seed + " (replay with -Dsmartchat.crash.seed=" + seed + ")");
        CrashScenario.Settings settings = new CrashScenario.Settings(seed, channelsPerMode, members, messages, kills,
                faults, Duration.ofSeconds(3),
                Path.of("target/smartchat-host.jar").toAbsolutePath(),
                Path.of("target/plugins").toAbsolutePath(),
                dir.resolve("data"),
                Path.of("target/crash-logs/host-" + seed + (faults ? "-faults" : "") + ".log").toAbsolutePath(),
                hostArgs(),
                Duration.ofSeconds(120));

        CrashScenario.Result result = CrashScenario.run(settings);

        System.out.println(name + ": " + result.summary());
        assertThat(result.problems()).as("seed " + seed + "; the host's log: " + settings.log()).isEmpty();
        assertThat(result.repliesAccepted()).as("replies accepted during the run").isPositive();
        if (faults) {
            assertThat(result.faults()).as("faults injected").isNotEmpty();
        }
    }

    private List<String> hostArgs() throws SQLException {
        List<String> args = new ArrayList<>();
        String extra = System.getProperty("smartchat.crash.host-args", "");
        if (!extra.isBlank()) {
            args.addAll(List.of(extra.strip().split("\\s+")));
        }
        if (PostgresSchema.available()) {
            postgres = PostgresSchema.create("crash");
            args.addAll(postgres.hostArgs());
        }
        // else: the host's default embedded database in the data directory, the very setting under test
        return args;
    }
}
