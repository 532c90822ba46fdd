package com.smartchat.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine a benchmark ran on: cores, memory, CPU, JDK, OS. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        long memoryKb = procValue("/proc/meminfo", "MemTotal:");
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                    .findFirst().map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (IOException e) {
            // not Linux
        }
        return String.format("%d cores (%s), %.1f GB memory, JDK %s (%s %s), %s %s %s",
                Runtime.getRuntime().availableProcessors(), cpu, memoryKb / 1024.0 / 1024.0,
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("java.vm.version"), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"));
    }

    /**
     * CPU seconds (user plus system) that the PostgreSQL server processes on this machine used so far: the live ones,
     * plus the backends that ended (their postmaster counts them as its children), or NaN when none runs here.
     */
    static double postgresCpuSeconds() {
        File[] processes = new File("/proc").listFiles(file -> file.getName().chars().allMatch(Character::isDigit));
        double ticks = 0;
        boolean found = false;
        for (File process : processes == null ? new File[0] : processes) {
            try {
                String stat = Files.readString(process.toPath().resolve("stat"));
                if (!stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).equals("postgres")) {
                    continue;
                }
                // after the command: ppid is field 4, utime 14, stime 15, cutime 16, cstime 17 (1-based over the line)
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                if (!isPostgres(fields[1])) {
                    ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
                }
                found = true;
            } catch (IOException | RuntimeException e) {
                // ended meanwhile
            }
        }
        return found ? ticks / JvmProbe.TICKS_PER_SECOND : Double.NaN;
    }

    private static boolean isPostgres(String pid) {
        try {
            return Files.readString(Path.of("/proc", pid, "comm")).strip().equals("postgres");
        } catch (IOException e) {
            return false;
        }
    }

    /** The number after {@code key} on its line of a /proc file, or -1. */
    static long procValue(String file, String key) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            for (String line : lines) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).strip().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or not Linux
        }
        return -1;
    }
}
