package com.smartchat.benchmarks;

import java.time.Instant;

/** Prints a benchmark's figures with the machine and the options it ran with. */
final class Report {

    private final String name;
    private final long started = System.nanoTime();

    Report(String name, Options options) {
        this.name = name;
        System.out.println("## " + name + " (" + Instant.now() + ")");
        System.out.println("machine: " + Machine.describe());
        System.out.println("load average at start: " + Fixtures.loadAverage());
        System.out.println("options: " + options.describe());
        System.out.flush();
    }

    void line(String format, Object... args) {
        System.out.println(args.length == 0 ? format : String.format(format, args));
        System.out.flush();
    }

    void end() {
        System.out.println("load average at end: " + Fixtures.loadAverage());
        System.out.printf("%s took %.0f s%n%n", name, (System.nanoTime() - started) / 1e9);
        System.out.flush();
    }
}
