package com.smartchat.benchmarks;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Latencies in nanoseconds, summarised as percentiles in milliseconds. */
final class Stats {

    private final ConcurrentLinkedQueue<Long> samples = new ConcurrentLinkedQueue<>();

    void add(long nanos) {
        samples.add(nanos);
    }

    int count() {
        return samples.size();
    }

    Summary summary() {
        long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Summary(sorted.length, percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6,
                sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).average().orElse(0) / 1e6);
    }

    /** Nearest-rank percentile in milliseconds. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    record Summary(int count, double p50, double p90, double p99, double max, double mean) {
        @Override
        public String toString() {
            return String.format("n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms", count, p50, p90, p99, max);
        }
    }
}
