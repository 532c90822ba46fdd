package com.smartchat.benchmarks;

import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /** The pause between start-up and the idle measurements: the JIT compiler works on for a while. */
    private static final Duration SETTLE = Duration.ofSeconds(30);
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
        boolean baselineOnly = options.flag("baseline-only"); // only the bare library, to see how far it gets
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
                    if (baselineOnly) {
                        figures.add(baseline(report, telegram, work, size, runningTimeout, idle));
                        continue;
                    }
                    List<EmulatedBot> bots = Fixtures.bots(telegram, "fleet" + round + "x", size);
                    long heap0;
                    // this first host creates the channels; its long polls are left to time out before the next
                    try (HostProcess host = HostProcess.start(setup, work, telegram.baseUrl(), 0)) {
                        Duration ready = host.awaitReady(Duration.ofSeconds(180));
                        report.line("%,d channels: first start (empty database, migrations) ready in %s", size,
                                Fixtures.seconds(ready.toNanos()));
                        Thread.sleep(3000);
                        JvmProbe empty = new JvmProbe(host.pid());
                        heap0 = empty.heapAfterGc();
                        if (round == 1 && !idle.isZero()) {
                            Thread.sleep(2000);
                            double cpu0 = empty.cpuSeconds();
                            long t0 = System.nanoTime();
                            Thread.sleep(Math.min(idle.toMillis(), 30_000));
                            double seconds = (System.nanoTime() - t0) / 1e9;
                            report.line("  host with no channel: heap after GC %d MB, idle CPU %.1f %% of one core over %.0f s",
                                    heap0 >> 20, (empty.cpuSeconds() - cpu0) / seconds * 100, seconds);
                        }
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
                        // the stopped host's last long polls must time out in the emulator first: it cannot tell
                        // a closed connection from a waiting poller, and would count them as polling
                        long drained = System.nanoTime() + Duration.ofSeconds(70).toNanos();
                        while (size > 0 && Fixtures.polling(telegram, bots) > 0 && System.nanoTime() < drained) {
                            Thread.sleep(100);
                        }
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
                JvmProbe probe = new JvmProbe(host.pid());
                Map<String, Double> threads0 = probe.cpuByThread();
                long readyAt = System.nanoTime();
                awaitRunning(api, telegram, bots, size, host.launchedNanos() + runningTimeout.toNanos());
                allRunning = (System.nanoTime() - host.launchedNanos()) / 1e9;
                double seconds = (System.nanoTime() - readyAt) / 1e9;
                report.line("  from ready to all running (%.1f s), CPU by thread: %s", seconds,
                        JvmProbe.cpuShares(threads0, probe.cpuByThread(), seconds));
            }
            String startRequests = requestDelta(before, requestCounts(telegram), size);
            report.line("  restart: ready %.2f s, all %,d RUNNING and polling %.2f s after JVM start; start-up sent %s",
                    ready.toNanos() / 1e9, size, allRunning, startRequests);
            if (!measure) {
                return new Figures("host", size, ready.toNanos() / 1e9, allRunning, 0, 0, 0, 0, 0, 0, 0, 0,
                        startRequests, "");
            }
            Thread.sleep(SETTLE.toMillis()); // let start-up's garbage and the JIT compiler settle
            return measureIdle(report, "host", host.pid(), size, heap0, idle, telegram, ready.toNanos() / 1e9,
                    allRunning, startRequests);
        }
    }

    /**
     * Waits until the emulator sees each bot's long poll (asked in this JVM, for nothing), then until the host has
     * stored every channel RUNNING. The host is asked rarely: each authenticated request costs it a bcrypt check.
     */
    private static void awaitRunning(HostApi api, BotApiEmulator telegram, List<EmulatedBot> bots, int size,
                                     long deadline) throws InterruptedException {
        long nextTrace = System.nanoTime() + 1_000_000_000L;
        int polling;
        while (System.nanoTime() < deadline && (polling = Fixtures.polling(telegram, bots)) < size) {
            if (System.nanoTime() > nextTrace) {
                nextTrace += 1_000_000_000L;
                System.err.printf("    %d polling, %d getMe so far%n", polling, telegram.requestCount("getMe"));
            }
            Thread.sleep(size > 2000 ? 50 : 10);
        }
        while (System.nanoTime() < deadline) {
            if (api.metric("smartchat.channels", "state:RUNNING") >= size && Fixtures.polling(telegram, bots) == size) {
                return;
            }
            Thread.sleep(500);
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
            Map<String, Long> byMethod0 = requestCounts(telegram);
            String jfr = System.getProperty("smartchat.bench.idle-jfr", "");
            if (!jfr.isEmpty()) {
                probe.jcmd("JFR.start", "name=idle", "settings=profile", "filename=" + jfr.replace("SYSTEM", system.split(" ")[0]));
            }
            double cpu0 = probe.cpuSeconds();
            Map<String, Double> threads0 = probe.cpuByThread();
            long t0 = System.nanoTime();
            Thread.sleep(idle);
            double seconds = (System.nanoTime() - t0) / 1e9;
            cpuPercent = (probe.cpuSeconds() - cpu0) / seconds * 100;
            report.line("  idle %s with %,d: CPU by thread: %s", system, size,
                    JvmProbe.cpuShares(threads0, probe.cpuByThread(), seconds));
            requestsPerSecond = (telegram.requestCount() - requests0) / seconds;
            if (!jfr.isEmpty()) {
                probe.jcmd("JFR.stop", "name=idle");
            }
            report.line("  idle %s with %,d for %.0f s: requests %s", system, size, seconds,
                    requestDelta(byMethod0, requestCounts(telegram), size));
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
            Thread.sleep(SETTLE.toMillis());
            return measureIdle(report, "TelegramBots defaults", bare.pid(), size, bare.heap0(), idle, telegram,
                    Double.NaN, allPolling, startRequests);
        }
    }

    private static Map<String, Long> requestCounts(BotApiEmulator telegram) {
        Map<String, Long> counts = new LinkedHashMap<>();
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
