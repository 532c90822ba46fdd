package com.smartchat.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Looks into another JVM the same way for the host and for the baseline: {@code /proc} for OS threads and CPU time,
 * {@code jcmd} for a full GC, the heap used after it, and the JVM's own thread counters.
 */
final class JvmProbe {

    /** Linux's USER_HZ: /proc/[pid]/stat counts CPU time in these ticks. */
    static final double TICKS_PER_SECOND = 100.0;
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\s*garbage-first heap\\s+total (?:reserved )?\\d+K, committed \\d+K, used (\\d+)K"
            + "|^\\s*garbage-first heap\\s+total \\d+K, used (\\d+)K");

    private final long pid;

    JvmProbe(long pid) {
        this.pid = pid;
    }

    /** Threads of the process as the OS counts them: Java platform threads plus the JVM's own (GC, JIT). */
    long osThreads() {
        return Machine.procValue("/proc/" + pid + "/status", "Threads:");
    }

    /** Resident memory in KB. */
    long residentKb() {
        return Machine.procValue("/proc/" + pid + "/status", "VmRSS:");
    }

    /** User plus system CPU time the process used so far, in seconds. */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state is field 3, utime field 14, stime field 15 (1-based over the whole line)
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * CPU seconds so far of the JIT compiler's threads ({@code C1 CompilerThread0}, {@code C2 CompilerThread0}). With
     * two cores the JVM runs one of each for its whole life, so this is exact; where it adds and ends compiler threads
     * as their queue grows and shrinks, a thread that ended takes its time with it, and this is a lower bound.
     */
    double compilerCpuSeconds() {
        return cpuByThread().entrySet().stream()
                .filter(e -> e.getKey().matches("C# CompilerThre.*"))
                .mapToDouble(Map.Entry::getValue)
                .sum();
    }

    /** CPU seconds so far of each OS thread of the process, by thread name with digits replaced by #. */
    Map<String, Double> cpuByThread() {
        Map<String, Double> byName = new TreeMap<>();
        File[] tasks = new File("/proc/" + pid + "/task").listFiles();
        if (tasks == null) {
            return byName;
        }
        for (File task : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "#");
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                byName.merge(name, seconds, Double::sum);
            } catch (IOException | RuntimeException e) {
                // the thread ended meanwhile
            }
        }
        return byName;
    }

    /** Which threads used the CPU between two {@link #cpuByThread()} readings, busiest first, in % of one core. */
    static String cpuShares(Map<String, Double> before, Map<String, Double> after, double seconds) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .limit(8)
                .map(e -> String.format("%s %.1f%%", e.getKey(), e.getValue() / seconds * 100))
                .collect(Collectors.joining(", "));
    }

    /** Runs a full GC in the process, then returns the heap in use, in bytes. */
    long heapAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher matcher = HEAP_USED.matcher(info);
        if (!matcher.find()) {
            throw new IllegalStateException("cannot read the heap from GC.heap_info:\n" + info);
        }
        String kb = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
        return Long.parseLong(kb) * 1024;
    }

    /** A counter of the JVM such as {@code java.threads.live}; -1 when absent. */
    long perfCounter(String name) throws IOException, InterruptedException {
        for (String line : jcmd("PerfCounter.print").split("\n")) {
            if (line.startsWith(name + "=")) {
                return Long.parseLong(line.substring(name.length() + 1).strip());
            }
        }
        return -1;
    }

    /** Platform threads by name with the digits removed, most numerous first: who owns the threads. */
    String threadCensus(int top) throws IOException, InterruptedException {
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : jcmd("Thread.print").split("\n")) {
            if (line.startsWith("\"")) {
                String name = line.substring(1, line.indexOf('"', 1)).replaceAll("\\d+", "#");
                counts.merge(name, 1, Integer::sum);
            }
        }
        return counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
                .map(entry -> entry.getValue() + " x " + entry.getKey())
                .collect(Collectors.joining(", "));
    }

    String jcmd(String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        args.add(String.valueOf(pid));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " did not finish");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
