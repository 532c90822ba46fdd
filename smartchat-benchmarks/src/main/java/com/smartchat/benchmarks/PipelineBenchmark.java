package com.smartchat.benchmarks;

import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatorOptions;
import com.smartchat.telegram.emulator.RateLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Pipeline: a user's message enters the emulator, something stores it and answers, the answer leaves for the
 * emulator. Two systems on the same emulator in the same run, each in a JVM of its own:
 * <ul>
 *   <li><b>bare</b>: TelegramBots with its defaults, echoing every text ({@link BareEchoBots}); stores nothing;</li>
 *   <li><b>host</b>: smartchat-host.jar with the Telegram plugin, one channel per bot, each with a greeting. Every
 *       message comes from a new user, so the host answers each one through its real path: the inbound transaction
 *       (dedup, member, conversation, message, and the greeting queued in the same transaction), then the outbound
 *       dispatcher (claim, pacing by Telegram's declared limits, send, mark sent).</li>
 * </ul>
 * Rate limits are off in the emulator. Each system gets a warm-up, then a burst (throughput), a paced run (latency at
 * a given rate) and a sweep of paced runs at rising rates ({@code --sweep}, each {@code --sweep-duration} seconds)
 * up to its saturation point, where its p99 passes 100 ms.
 *
 * <p>The warm-up is long ({@value #DEFAULT_WARMUP} messages) because the JIT compiler takes that long to settle: after
 * 3,000, the compiler's threads still used 53 % of the host's CPU in the burst and 25 % of the bare bot's, and the
 * burst measured compilation more than either system. The report says how much of each burst's CPU was still the
 * compiler's.
 *
 * <p>The host paces each bot by Telegram's declared limit (30 messages a second), which the bare bot ignores. With
 * {@value #DEFAULT_BOTS} bots that cap (6,000 a second) lies above what either system answers here, so the burst
 * measures the systems rather than the pacing; with 50 bots the host could not pass 1,500 a second whatever it did.
 */
final class PipelineBenchmark {

    private static final int DEFAULT_WARMUP = 40_000;
    private static final int DEFAULT_BOTS = 200;
    /** The most webhook deliveries under way at once, all bots together (see {@link #webhookConnections}). */
    private static final int WEBHOOK_CONNECTIONS = 2_000;

    /** Where a system counts as saturated: its p99 from a user's message to the answer passes this. */
    private static final int SATURATION_P99_MS = 100;

    private PipelineBenchmark() {
    }

    static void run(Options options) throws Exception {
        int botCount = options.integer("bots", DEFAULT_BOTS);
        int warmup = options.integer("warmup", DEFAULT_WARMUP);
        int burst = options.integer("messages", 5000);
        int rate = options.integer("rate", 500);
        Duration duration = options.seconds("duration", 10);
        Duration timeout = options.seconds("timeout", 120);
        List<Integer> sweepRates = options.integers("sweep", "100,200,300,400,500,600,800,1000,1300,1600");
        Duration sweepDuration = options.seconds("sweep-duration", 5);
        boolean skipBare = options.flag("skip-bare");
        String jfr = options.string("host-jfr", "");
        String bareJfr = options.string("bare-jfr", "");
        List<String> modes = List.of(options.string("modes", "polling,webhook").split(","));
        HostProcess.Setup setup = HostProcess.Setup.from(options);
        Report report = new Report("Pipeline", options);
        Path work = Fixtures.tempDir("pipeline");
        try (BotApiEmulator telegram = BotApiEmulator.start(EmulatorOptions.defaults()
                .withRateLimits(RateLimits.off()).withHistoryLimit(100))) {
            List<ReplyWorkload.Result> bare = new ArrayList<>();
            Map<String, List<ReplyWorkload.Result>> host = new LinkedHashMap<>();
            BurstCpu bareCpu = null;
            Map<String, BurstCpu> hostCpu = new LinkedHashMap<>();
            Map<String, List<ReplyWorkload.Result>> sweeps = new LinkedHashMap<>();
            Map<String, Breakdown> breakdowns = new LinkedHashMap<>();

            if (!skipBare) {
                List<EmulatedBot> bots = Fixtures.bots(telegram, "bare", botCount);
                try (BareProcess process = BareProcess.start(telegram.baseUrl(),
                        bots.stream().map(EmulatedBot::token).toList(), work.resolve("bare"));
                     ReplyWorkload workload = new ReplyWorkload(telegram, bots)) {
                    process.awaitRegistered();
                    Fixtures.awaitPolling(telegram, bots, Duration.ofSeconds(60));
                    JvmProbe probe = new JvmProbe(process.pid());
                    warmedUp(report, "bare", workload.burst("warm-up", warmup, timeout));
                    if (!bareJfr.isEmpty()) {
                        probe.jcmd("JFR.start", "name=burst", "settings=profile", "filename=" + bareJfr);
                    }
                    BurstCpu.Start cpu0 = BurstCpu.start(probe, false);
                    bare.add(workload.burst("burst", burst, timeout));
                    bareCpu = cpu0.end(burst);
                    if (!bareJfr.isEmpty()) {
                        probe.jcmd("JFR.stop", "name=burst");
                    }
                    bare.add(workload.paced("paced", rate, duration, Duration.ofSeconds(30)));
                    sweeps.put("bare TelegramBots", sweep(workload, sweepRates, sweepDuration));
                    report.line("bare: %d bots, %d unexpected answers", botCount, workload.unexpected());
                }
            }

            for (String mode : modes) {
                boolean webhook = mode.equals("webhook");
                List<ReplyWorkload.Result> results = new ArrayList<>();
                List<EmulatedBot> bots = Fixtures.bots(telegram, webhook ? "hook" : "poll", botCount);
                String[] extra = webhook ? new String[] {"--smartchat.public-url=" + HostProcess.SELF,
                        "--smartchat.plugins.telegram.webhook-max-connections=" + webhookConnections(botCount)}
                        : new String[0];
                try (HostProcess process = HostProcess.start(setup, work.resolve(mode), telegram.baseUrl(), 0, extra);
                     ReplyWorkload workload = new ReplyWorkload(telegram, bots)) {
                    process.awaitReady(Duration.ofSeconds(120));
                    HostApi api = process.api();
                    String space = Fixtures.space(api, "Pipeline");
                    Fixtures.channels(api, space, bots, "Thanks for your message! An agent will answer soon.", 8,
                            webhook);
                    if (!webhook) {
                        Fixtures.awaitPolling(telegram, bots, Duration.ofSeconds(60));
                    }
                    JvmProbe probe = new JvmProbe(process.pid());
                    warmedUp(report, "host (" + mode + ")", workload.burst("warm-up", warmup, timeout));
                    if (!jfr.isEmpty()) {
                        probe.jcmd("JFR.start", "name=burst", "settings=profile", "filename=" + jfr.replace("MODE", mode));
                    }
                    BurstCpu.Start cpu0 = BurstCpu.start(probe, setup.usesPostgres());
                    results.add(workload.burst("burst", burst, timeout));
                    hostCpu.put(mode, cpu0.end(burst));
                    if (!jfr.isEmpty()) {
                        probe.jcmd("JFR.stop", "name=burst");
                    }
                    results.add(workload.paced("paced", rate, duration, Duration.ofSeconds(30)));
                    breakdowns.put(mode, breakdown(workload, api, webhook));
                    List<ReplyWorkload.Result> swept = sweep(workload, sweepRates, sweepDuration);
                    sweeps.put("host, " + mode, swept);
                    int sent = warmup + burst + results.get(1).messages()
                            + breakdowns.get(mode).light().messages()
                            + swept.stream().mapToInt(ReplyWorkload.Result::messages).sum();
                    double stored = api.metric("smartchat.inbound", "outcome:stored");
                    double greeted = api.metric("smartchat.outbound", "provider:telegram", "outcome:sent");
                    report.line("host (%s): %d channels; inbound stored %.0f of %d messages sent; greetings sent %.0f; "
                            + "%d unexpected answers; log %s", mode, botCount, stored, sent, greeted, workload.unexpected(),
                            process.log());
                }
                host.put(mode, results);
            }

            report.line("");
            report.line("| run | system | messages | answered | msg/s | p50 ms | p90 ms | p99 ms | max ms |");
            report.line("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (int i = 0; i < 2; i++) {
                if (!bare.isEmpty()) {
                    row(report, "bare TelegramBots", bare.get(i), rate);
                }
                for (var entry : host.entrySet()) {
                    row(report, "host, " + entry.getKey(), entry.getValue().get(i), rate);
                }
            }
            report.line("");
            for (var entry : host.entrySet()) {
                List<ReplyWorkload.Result> results = entry.getValue();
                if (!bare.isEmpty()) {
                    report.line("host (%s) / bare: throughput (burst) %.2f; p99 at %d/s %.1f ms vs %.1f ms",
                            entry.getKey(), results.get(0).perSecond() / bare.get(0).perSecond(), rate,
                            results.get(1).latency().p99(), bare.get(1).latency().p99());
                }
            }
            reportCpu(report, bareCpu, hostCpu);
            reportBreakdowns(report, breakdowns);
            reportSweeps(report, sweeps, sweepDuration);
        } finally {
            if (!options.flag("keep")) {
                Fixtures.delete(work);
            }
        }
        report.end();
    }

    /**
     * CPU per message of a burst in the system under test, and how much of it its JIT compiler spent: a burst soon
     * after the warm-up runs code that the compiler is still optimizing, and the host's path is many times the size
     * of the bare bot's, so the compiler's share says how much of a figure is warming up rather than the steady cost.
     * The host's database does part of its work: when that is a PostgreSQL server on this machine, its processes'
     * CPU per message is {@code databaseMillisPerMessage} (NaN otherwise, and for the bare bot, which stores nothing).
     */
    private record BurstCpu(double millisPerMessage, double compilerMillisPerMessage, double databaseMillisPerMessage) {

        double withoutCompiler() {
            return millisPerMessage - compilerMillisPerMessage;
        }

        static Start start(JvmProbe probe, boolean database) {
            return new Start(probe, probe.cpuSeconds(), probe.compilerCpuSeconds(),
                    database ? Machine.postgresCpuSeconds() : Double.NaN);
        }

        record Start(JvmProbe probe, double cpu, double compiler, double database) {

            BurstCpu end(int messages) {
                double databaseNow = Double.isNaN(database) ? Double.NaN : Machine.postgresCpuSeconds();
                return new BurstCpu(perMessage(probe.cpuSeconds() - cpu, messages),
                        perMessage(probe.compilerCpuSeconds() - compiler, messages),
                        perMessage(databaseNow - database, messages));
            }

            private static double perMessage(double seconds, int messages) {
                return seconds / messages * 1000;
            }
        }
    }

    private static void reportCpu(Report report, BurstCpu bare, Map<String, BurstCpu> host) {
        StringBuilder all = new StringBuilder("CPU per message in the system under test (burst):");
        StringBuilder compiler = new StringBuilder("of which its JIT compiler's threads:");
        StringBuilder rest = new StringBuilder("without them:");
        StringBuilder database = new StringBuilder("its PostgreSQL server's processes (on this machine) besides:");
        Map<String, BurstCpu> systems = new LinkedHashMap<>();
        if (bare != null) {
            systems.put("bare", bare);
        }
        host.forEach((mode, cpu) -> systems.put("host " + mode, cpu));
        systems.forEach((system, cpu) -> {
            all.append(String.format(" %s %.3f ms%s,", system, cpu.millisPerMessage(),
                    timesBare(cpu.millisPerMessage(), bare, cpu, BurstCpu::millisPerMessage)));
            compiler.append(String.format(" %s %.3f ms,", system, cpu.compilerMillisPerMessage()));
            rest.append(String.format(" %s %.3f ms%s,", system, cpu.withoutCompiler(),
                    timesBare(cpu.withoutCompiler(), bare, cpu, BurstCpu::withoutCompiler)));
            if (!Double.isNaN(cpu.databaseMillisPerMessage())) {
                double together = cpu.millisPerMessage() + cpu.databaseMillisPerMessage();
                database.append(String.format(" %s %.3f ms (with the host's %.3f ms%s),", system,
                        cpu.databaseMillisPerMessage(), together,
                        timesBare(together, bare, cpu, BurstCpu::millisPerMessage)));
            }
        });
        for (StringBuilder line : List.of(all, compiler, rest, database)) {
            if (line.charAt(line.length() - 1) == ',') {
                report.line(line.substring(0, line.length() - 1));
            }
        }
    }

    /** " (2.3x bare)" for a host's figure, nothing for the bare bot's or without one. */
    private static String timesBare(double figure, BurstCpu bare, BurstCpu system,
                                    ToDoubleFunction<BurstCpu> bareFigure) {
        return bare == null || system == bare ? ""
                : String.format(" (%.1fx bare)", figure / bareFigure.applyAsDouble(bare));
    }

    /** The host's own timers over a light paced run: where a message's time goes when nothing queues. */
    private record Breakdown(ReplyWorkload.Result light, Map<String, Double> meanMillis) {
    }

    private static final int LIGHT_RATE = 50;
    private static final Duration LIGHT_DURATION = Duration.ofSeconds(5);

    /** A timer of the host's, narrowed to some of its tags. */
    private record HostTimer(String name, String... tags) {
    }

    /** The host's timers (mean milliseconds) over a paced run at {@link #LIGHT_RATE}, by what they time. */
    private static Breakdown breakdown(ReplyWorkload workload, HostApi api, boolean webhook) throws InterruptedException {
        Map<String, HostTimer> timers = new LinkedHashMap<>();
        if (webhook) {
            timers.put("webhook request (whole HTTP exchange in the host)",
                    new HostTimer("http.server.requests", "uri:/hooks/%7Bid%7D"));
        }
        timers.put("store (a transaction of events, its commit included)", new HostTimer("smartchat.inbound.store"));
        timers.put("greeting from queued to accepted by Telegram", new HostTimer("smartchat.outbound.latency"));
        timers.put("of which the send (plugin to Telegram and back)", new HostTimer("smartchat.outbound.send"));
        Map<String, HostApi.TimerTotals> before = new LinkedHashMap<>();
        timers.forEach((what, timer) -> before.put(what, api.timer(timer.name(), timer.tags())));
        ReplyWorkload.Result light = workload.paced("light", LIGHT_RATE, LIGHT_DURATION, Duration.ofSeconds(30));
        Map<String, Double> means = new LinkedHashMap<>();
        timers.forEach((what, timer) -> means.put(what,
                api.timer(timer.name(), timer.tags()).meanMillisSince(before.get(what))));
        return new Breakdown(light, means);
    }

    private static void reportBreakdowns(Report report, Map<String, Breakdown> breakdowns) {
        breakdowns.forEach((mode, breakdown) -> {
            report.line("");
            report.line("Where the time goes, host %s at %d msg/s for %d s: end to end p50 %.1f ms, p99 %.1f ms; "
                    + "the host's timers (means):", mode, LIGHT_RATE, LIGHT_DURATION.toSeconds(),
                    breakdown.light().latency().p50(), breakdown.light().latency().p99());
            breakdown.meanMillis().forEach((what, mean) -> report.line("- %s: %.2f ms", what, mean));
        });
    }

    /**
     * Paced runs at rising rates until the p99 passes {@link #SATURATION_P99_MS}: the rate there is the system's
     * saturation point. Higher rates are not tried: an overloaded system only falls further behind.
     */
    private static List<ReplyWorkload.Result> sweep(ReplyWorkload workload, List<Integer> rates, Duration duration)
            throws InterruptedException {
        List<ReplyWorkload.Result> results = new ArrayList<>();
        for (int rate : rates) {
            ReplyWorkload.Result result = workload.paced("sweep", rate, duration, Duration.ofSeconds(60));
            results.add(result);
            if (saturated(result)) {
                break;
            }
        }
        return results;
    }

    private static void reportSweeps(Report report, Map<String, List<ReplyWorkload.Result>> sweeps, Duration duration) {
        if (sweeps.values().stream().allMatch(List::isEmpty)) {
            return;
        }
        report.line("");
        report.line("Saturation: paced runs of %.0f s at rising offered rates, each system until its p99 passes %d ms",
                duration.toMillis() / 1000.0, SATURATION_P99_MS);
        report.line("");
        report.line("| system | offered msg/s | answered msg/s | p50 ms | p99 ms | max ms |");
        report.line("| --- | ---: | ---: | ---: | ---: | ---: |");
        sweeps.forEach((system, results) -> results.forEach(result -> report.line(
                "| %s | %.0f | %.0f | %.1f | %.1f | %.1f |", system, result.offeredPerSecond(), result.perSecond(),
                result.latency().p50(), result.latency().p99(), result.latency().max())));
        report.line("");
        sweeps.forEach((system, results) -> {
            ReplyWorkload.Result last = results.getLast();
            if (!saturated(last)) {
                report.line("%s: not saturated up to %.0f msg/s offered (p99 %.1f ms)", system,
                        last.offeredPerSecond(), last.latency().p99());
            } else if (results.size() == 1) {
                report.line("%s: saturated already at %.0f msg/s offered (p99 %.1f ms)", system,
                        last.offeredPerSecond(), last.latency().p99());
            } else {
                report.line("%s: saturated at %.0f msg/s offered (p99 %.1f ms); p99 under %d ms up to %.0f msg/s",
                        system, last.offeredPerSecond(), last.latency().p99(), SATURATION_P99_MS,
                        results.get(results.size() - 2).offeredPerSecond());
            }
        });
    }

    /** A warm-up counts too: an answer missing there is a message lost or a send gone wrong. */
    private static void warmedUp(Report report, String system, ReplyWorkload.Result warmUp) {
        report.line("%s: warm-up of %d messages, %d answered, %.0f a second", system, warmUp.messages(),
                warmUp.answered(), warmUp.perSecond());
    }

    /**
     * Telegram's {@code max_connections} for each bot's webhook: Telegram's default (40), or less so that all bots
     * together have at most {@value #WEBHOOK_CONNECTIONS} deliveries under way. The emulator sends every webhook from
     * one JDK HTTP client in the benchmark's JVM, and 8,000 at once (200 bots at 40) overwhelmed it: it stalled, gave
     * up on updates after its retries and answered the host's sends after more than 30 s, so that the host marked
     * them uncertain. Telegram spreads its deliveries over many machines.
     */
    private static int webhookConnections(int bots) {
        return Math.clamp(WEBHOOK_CONNECTIONS / bots, 1, 40);
    }

    /** Whether a paced run went past what the system keeps up with: p99 over the bound, or answers missing. */
    private static boolean saturated(ReplyWorkload.Result result) {
        return result.latency().p99() > SATURATION_P99_MS || result.answered() < result.messages();
    }

    private static void row(Report report, String system, ReplyWorkload.Result result, int rate) {
        String run = result.name().equals("paced") ? "paced " + rate + "/s (offered " + Math.round(result.offeredPerSecond()) + "/s)"
                : result.name() + " " + result.messages();
        Stats.Summary latency = result.latency();
        report.line("| %s | %s | %d | %d | %.0f | %.1f | %.1f | %.1f | %.1f |", run, system, result.messages(),
                result.answered(), result.perSecond(), latency.p50(), latency.p90(), latency.p99(), latency.max());
    }
}
