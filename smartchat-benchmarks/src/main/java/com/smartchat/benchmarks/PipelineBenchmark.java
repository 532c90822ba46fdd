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
 * Rate limits are off in the emulator. Each system gets a warm-up, then a burst (throughput) and a paced run
 * (latency at a given rate).
 */
final class PipelineBenchmark {

    private PipelineBenchmark() {
    }

    static void run(Options options) throws Exception {
        int botCount = options.integer("bots", 50);
        int warmup = options.integer("warmup", 3000);
        int burst = options.integer("messages", 5000);
        int rate = options.integer("rate", 500);
        Duration duration = options.seconds("duration", 10);
        Duration timeout = options.seconds("timeout", 120);
        boolean skipBare = options.flag("skip-bare");
        String jfr = options.string("host-jfr", "");
        List<String> modes = List.of(options.string("modes", "polling,webhook").split(","));
        HostProcess.Setup setup = HostProcess.Setup.from(options);
        Report report = new Report("Pipeline", options);
        Path work = Fixtures.tempDir("pipeline");
        try (BotApiEmulator telegram = BotApiEmulator.start(EmulatorOptions.defaults()
                .withRateLimits(RateLimits.off()).withHistoryLimit(100))) {
            List<ReplyWorkload.Result> bare = new ArrayList<>();
            Map<String, List<ReplyWorkload.Result>> host = new LinkedHashMap<>();
            double bareCpu = Double.NaN;
            Map<String, Double> hostCpu = new LinkedHashMap<>();

            if (!skipBare) {
                List<EmulatedBot> bots = Fixtures.bots(telegram, "bare", botCount);
                try (BareProcess process = BareProcess.start(telegram.baseUrl(),
                        bots.stream().map(EmulatedBot::token).toList(), work.resolve("bare"));
                     ReplyWorkload workload = new ReplyWorkload(telegram, bots)) {
                    process.awaitRegistered();
                    Fixtures.awaitPolling(telegram, bots, Duration.ofSeconds(60));
                    JvmProbe probe = new JvmProbe(process.pid());
                    workload.burst("warm-up", warmup, timeout);
                    double cpu0 = probe.cpuSeconds();
                    bare.add(workload.burst("burst", burst, timeout));
                    bareCpu = (probe.cpuSeconds() - cpu0) / burst * 1000;
                    bare.add(workload.paced("paced", rate, duration, Duration.ofSeconds(30)));
                    report.line("bare: %d bots, %d unexpected answers", botCount, workload.unexpected());
                }
            }

            for (String mode : modes) {
                boolean webhook = mode.equals("webhook");
                List<ReplyWorkload.Result> results = new ArrayList<>();
                List<EmulatedBot> bots = Fixtures.bots(telegram, webhook ? "hook" : "poll", botCount);
                String[] extra = webhook ? new String[] {"--smartchat.public-url=" + HostProcess.SELF} : new String[0];
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
                    workload.burst("warm-up", warmup, timeout);
                    if (!jfr.isEmpty()) {
                        probe.jcmd("JFR.start", "name=burst", "settings=profile", "filename=" + jfr.replace("MODE", mode));
                    }
                    double cpu0 = probe.cpuSeconds();
                    results.add(workload.burst("burst", burst, timeout));
                    hostCpu.put(mode, (probe.cpuSeconds() - cpu0) / burst * 1000);
                    if (!jfr.isEmpty()) {
                        probe.jcmd("JFR.stop", "name=burst");
                    }
                    results.add(workload.paced("paced", rate, duration, Duration.ofSeconds(30)));
                    double stored = api.metric("smartchat.inbound", "outcome:stored");
                    double sent = api.metric("smartchat.outbound", "provider:telegram", "outcome:sent");
                    report.line("host (%s): %d channels; inbound stored %.0f of %d messages sent; greetings sent %.0f; "
                            + "%d unexpected answers; log %s", mode, botCount, stored,
                            warmup + burst + results.get(1).messages(), sent, workload.unexpected(), process.log());
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
            report.line("CPU per message in the system under test (burst): bare %.3f ms%s", bareCpu,
                    hostCpu.entrySet().stream().map(e -> String.format(", host %s %.3f ms", e.getKey(), e.getValue()))
                            .reduce("", String::concat));
        } finally {
            if (!options.flag("keep")) {
                Fixtures.delete(work);
            }
        }
        report.end();
    }

    private static void row(Report report, String system, ReplyWorkload.Result result, int rate) {
        String run = result.name().equals("paced") ? "paced " + rate + "/s (offered " + Math.round(result.offeredPerSecond()) + "/s)"
                : result.name() + " " + result.messages();
        Stats.Summary latency = result.latency();
        report.line("| %s | %s | %d | %d | %.0f | %.1f | %.1f | %.1f | %.1f |", run, system, result.messages(),
                result.answered(), result.perSecond(), latency.p50(), latency.p90(), latency.p99(), latency.max());
    }
}
