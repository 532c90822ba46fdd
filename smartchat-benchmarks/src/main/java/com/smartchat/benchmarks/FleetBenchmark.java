package com.smartchat.benchmarks;

import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fleet and start-up: N channels configured through the API and long polling the emulator, then the host restarted
 * and measured: JVM start to ready, JVM start to every channel RUNNING (stored state) and polling (a long poll
 * waiting in the emulator), the requests start-up sent, platform threads, heap after a full GC per channel (less the
 * same host with no channel), and CPU while idle. The baseline is TelegramBots with its defaults
 * ({@link BareEchoBots}) with the same number of bots, up to {@code --baseline-max}.
 */
final class FleetBenchmark {

    private static final List<String> START_METHODS = List.of("getMe", "getWebhookInfo", "deleteWebhook", "setWebhook");

    private FleetBenchmark() {
    }

    /** What one measured host or baseline process showed. */
    record Figures(String system, int channels, double readySeconds, double allRunningSeconds, long liveThreads,
                   long daemonThreads, long osThreads, double heapPerChannelKb, long heapMb, long rssMb,
                   double idleCpuPercent, double idleRequestsPerSecond, String startRequests, String census) {
    }

    static void run(Options options) throws Exception {
        run(options, false);
    }

    static void run(Options options, boolean startupOnly) throws Exception {
        List<Integer> sizes = options.integers("channels", startupOnly ? "0,1000,10000" : "1000,10000");
        int concurrency = options.integer("create-concurrency", 8);
        Duration idle = options.seconds("idle-seconds", startupOnly ? 0 : 60);
        int restarts = options.integer("restarts", startupOnly ? 3 : 1);
        int baselineMax = options.integer("baseline-max", startupOnly ? 0 : 1000);
        Duration runningTimeout = options.seconds("running-timeout", 300);
        HostProcess.Setup setup = HostProcess.Setup.from(options);
        Report report = new Report(startupOnly ? "Start-up" : "Fleet", options);
        List<Figures> figures = new ArrayList<>();
        try (BotApiEmulator telegram = BotApiEmulator.start(EmulatorOptions.defaults().withHistoryLimit(10))) {
            int round = 0;
            for (int size : sizes) {
                round++;
                Path work = Fixtures.tempDir("fleet-" + size);
                try {
                    List<EmulatedBot> bots = Fixtures.bots(telegram, "fleet" + round + "x", size);
                    long heap0;
                    try (HostProcess host = HostProcess.start(setup, work, telegram.baseUrl(), 0)) {
                        Duration ready = host.awaitReady(Duration.ofSeconds(180));
                        report.line("%,d channels: first start (empty database, migrations) ready in %s", size,
                                Fixtures.seconds(ready.toNanos()));
                        Thread.sleep(3000);
                        heap0 = new JvmProbe(host.pid()).heapAfterGc();
                        HostApi api = host.api();
                        long authStart = System.nanoTime();
                        for (int i = 0; i < 20; i++) {
                            api.get("/api/spaces");
                        }
                        report.line("  one authenticated API request (GET /api/spaces, sequential): %.1f ms",
                                (System.nanoTime() - authStart) / 20 / 1e6);
                        if (size > 0) {
                            String space = Fixtures.space(api, "Fleet " + size);
                            long start = System.nanoTime();
                            Fixtures.channels(api, space, bots, null, concurrency);
                            long created = System.nanoTime();
                            Fixtures.awaitPolling(telegram, bots, runningTimeout);
                            report.line("  created %,d channels through POST .../channels (%d at a time) in %s "
                                    + "(%.0f/s); all polling %s after the first POST", size, concurrency,
                                    Fixtures.seconds(created - start), size / ((created - start) / 1e9),
                                    Fixtures.seconds(System.nanoTime() - start));
                        }
                    }
                    for (int restart = 1; restart <= restarts; restart++) {
                        boolean measure = restart == restarts && !startupOnly;
                        figures.add(restartAndMeasure(report, setup, work, telegram, bots, size, heap0,
                                measure ? idle : Duration.ZERO, runningTimeout, measure));
                    }
                    if (size > 0 && size <= baselineMax) {
                        figures.add(baseline(report, telegram, work, size, runningTimeout, idle));
                    } else if (size > 0 && !startupOnly) {
                        report.line("  baseline not run for %,d bots (--baseline-max=%d): TelegramBots' defaults "
                                + "make a platform thread and an OkHttpClient per bot", size, baselineMax);
                    }
                } finally {
                    if (!options.flag("keep")) {
                        Fixtures.delete(work);
                    }
                }
            }
        }
        report.line("");
        if (startupOnly) {
            report.line("| channels | run | JVM start to ready | JVM start to all RUNNING and polling | start-up requests |");
            report.line("| ---: | --- | ---: | ---: | --- |");
            int run = 0;
            int previous = -1;
            for (Figures f : figures) {
                run = f.channels() == previous ? run + 1 : 1;
                previous = f.channels();
                report.line("| %,d | restart %d | %.2f s | %s | %s |", f.channels(), run, f.readySeconds(),
                        f.channels() == 0 ? "-" : String.format("%.2f s", f.allRunningSeconds()), f.startRequests());
            }
        } else {
            report.line("| system | channels | start to all polling | platform threads (live / daemon) | OS threads "
                    + "| heap after GC | heap per channel | RSS | idle CPU | idle requests/s |");
            report.line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (Figures f : figures) {
                report.line("| %s | %,d | %.1f s | %d / %d | %d | %d MB | %.1f KB | %d MB | %.1f %% | %.0f |",
                        f.system(), f.channels(), f.allRunningSeconds(), f.liveThreads(), f.daemonThreads(),
                        f.osThreads(), f.heapMb(), f.heapPerChannelKb(), f.rssMb(), f.idleCpuPercent(),
                        f.idleRequestsPerSecond());
            }
            report.line("");
            for (Figures f : figures) {
                report.line("threads of %s with %,d: %s", f.system(), f.channels(), f.census());
            }
        }
        report.end();
    }

    private static Figures restartAndMeasure(Report report, HostProcess.Setup setup, Path work, BotApiEmulator telegram,
                                             List<EmulatedBot> bots, int size, long heap0, Duration idle,
                                             Duration runningTimeout, boolean measure) throws Exception {
        Map<String, Long> before = requestCounts(telegram);
        try (HostProcess host = HostProcess.start(setup, work, telegram.baseUrl(), 0)) {
            Duration ready = host.awaitReady(Duration.ofSeconds(180));
            HostApi api = host.api();
            double allRunning = Double.NaN;
            if (size > 0) {
                awaitRunning(api, telegram, bots, size, host.launchedNanos() + runningTimeout.toNanos());
                allRunning = (System.nanoTime() - host.launchedNanos()) / 1e9;
            }
            String startRequests = requestDelta(before, requestCounts(telegram), size);
            report.line("  restart: ready %.2f s, all %,d RUNNING and polling %.2f s after JVM start; start-up sent %s",
                    ready.toNanos() / 1e9, size, allRunning, startRequests);
            if (!measure) {
                return new Figures("host", size, ready.toNanos() / 1e9, allRunning, 0, 0, 0, 0, 0, 0, 0, 0,
                        startRequests, "");
            }
            Thread.sleep(10_000); // let start-up's garbage and JIT settle
            return measureIdle(report, "host", host.pid(), size, heap0, idle, telegram, ready.toNanos() / 1e9,
                    allRunning, startRequests);
        }
    }

    /** Waits until the host stores every channel RUNNING and the emulator sees each bot's long poll. */
    private static void awaitRunning(HostApi api, BotApiEmulator telegram, List<EmulatedBot> bots, int size,
                                     long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            double running = api.metric("smartchat.channels", "state:RUNNING");
            if (running >= size && Fixtures.polling(telegram, bots) == size) {
                return;
            }
            Thread.sleep(size > 2000 ? 100 : 20);
        }
        throw new IllegalStateException("not all " + size + " channels ran in time: "
                + api.metric("smartchat.channels", "state:RUNNING") + " RUNNING, "
                + Fixtures.polling(telegram, bots) + " polling");
    }

    private static Figures measureIdle(Report report, String system, long pid, int size, long heap0, Duration idle,
                                       BotApiEmulator telegram, double ready, double allRunning, String startRequests)
            throws Exception {
        JvmProbe probe = new JvmProbe(pid);
        long live = probe.perfCounter("java.threads.live");
        long daemon = probe.perfCounter("java.threads.daemon");
        long os = probe.osThreads();
        String census = probe.threadCensus(8);
        long heap = probe.heapAfterGc();
        double perChannelKb = size == 0 ? 0 : (heap - heap0) / 1024.0 / size;
        long rssMb = probe.residentKb() / 1024;
        double cpuPercent = Double.NaN;
        double requestsPerSecond = Double.NaN;
        if (!idle.isZero()) {
            Thread.sleep(2000); // the GC's own work is not idle time
            long requests0 = telegram.requestCount();
            double cpu0 = probe.cpuSeconds();
            long t0 = System.nanoTime();
            Thread.sleep(idle);
            double seconds = (System.nanoTime() - t0) / 1e9;
            cpuPercent = (probe.cpuSeconds() - cpu0) / seconds * 100;
            requestsPerSecond = (telegram.requestCount() - requests0) / seconds;
        }
        report.line("  %s with %,d: %d live platform threads (%d daemon), %d OS threads; heap after GC %d MB "
                        + "(%.1f KB per channel over %d MB empty); RSS %d MB; idle CPU %.1f %% of one core over %.0f s, "
                        + "%.0f Bot API requests/s", system, size, live, daemon, os, heap >> 20, perChannelKb,
                heap0 >> 20, rssMb, cpuPercent, (double) idle.toSeconds(), requestsPerSecond);
        return new Figures(system, size, ready, allRunning, live, daemon, os, perChannelKb, heap >> 20, rssMb,
                cpuPercent, requestsPerSecond, startRequests, census);
    }

    private static Figures baseline(Report report, BotApiEmulator telegram, Path work, int size,
                                    Duration runningTimeout, Duration idle) throws Exception {
        List<EmulatedBot> bots = Fixtures.bots(telegram, "bare" + size + "x", size);
        Map<String, Long> before = requestCounts(telegram);
        try (BareProcess bare = BareProcess.start(telegram.baseUrl(), bots.stream().map(EmulatedBot::token).toList(),
                work.resolve("bare"))) {
            Duration registered = bare.awaitRegistered();
            Fixtures.awaitPolling(telegram, bots, runningTimeout);
            double allPolling = (System.nanoTime() - bare.launchedNanos()) / 1e9;
            String startRequests = requestDelta(before, requestCounts(telegram), size);
            report.line("  baseline: %,d bots registered %.2f s and all polling %.2f s after JVM start; start-up sent %s",
                    size, registered.toNanos() / 1e9, allPolling, startRequests);
            Thread.sleep(10_000);
            return measureIdle(report, "TelegramBots defaults", bare.pid(), size, bare.heap0(), idle, telegram,
                    Double.NaN, allPolling, startRequests);
        }
    }

    private static Map<String, Long> requestCounts(BotApiEmulator telegram) {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (String method : START_METHODS) {
            counts.put(method, telegram.requestCount(method));
        }
        counts.put("getUpdates", telegram.requestCount("getUpdates"));
        return counts;
    }

    private static String requestDelta(Map<String, Long> before, Map<String, Long> after, int size) {
        StringBuilder text = new StringBuilder();
        after.forEach((method, count) -> {
            long delta = count - before.get(method);
            if (delta > 0) {
                text.append(text.isEmpty() ? "" : ", ").append(String.format("%,d %s", delta, method));
            }
        });
        return text.isEmpty() ? "nothing" : text.toString();
    }
}
