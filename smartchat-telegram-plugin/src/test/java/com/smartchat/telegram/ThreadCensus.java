package com.smartchat.telegram;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every live thread, virtual ones included, from a JSON thread dump ({@code Thread.getAllStackTraces()} and the
 * {@code ThreadMXBean} see platform threads only).
 *
 * @param platform live platform threads, by the ThreadMXBean
 * @param names the names of all threads in the dump, platform and virtual (unnamed virtual threads as "")
 */
record ThreadCensus(int platform, List<String> names) {

    private static final Pattern NAME = Pattern.compile("\"name\": \"((?:[^\"\\\\]|\\\\.)*)\"");

    static ThreadCensus take() throws IOException {
        Path dump = Files.createTempFile("threads", ".json");
        Files.delete(dump);
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            List<String> names = new ArrayList<>();
            Matcher matcher = NAME.matcher(Files.readString(dump));
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
            return new ThreadCensus(ManagementFactory.getThreadMXBean().getThreadCount(), names);
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    int total() {
        return names.size();
    }

    /** Threads this plugin names: its pollers and HTTP calls. */
    long plugin() {
        return names.stream().filter(name -> name.startsWith("telegram-")).count();
    }

    /**
     * OkHttp's and Okio's process-wide helpers (connection-pool cleanup, socket timeouts): a few daemon threads
     * shared by every OkHttp client in the class loader, which end after a minute without work.
     */
    long okHttpHelpers() {
        return names.stream().filter(name -> name.equals("OkHttp TaskRunner") || name.equals("Okio Watchdog")).count();
    }

    @Override
    public String toString() {
        return platform + " platform, " + total() + " in all (virtual included), " + plugin() + " of the plugin, "
                + okHttpHelpers() + " OkHttp helpers";
    }
}
