package com.smartchat.telegram.emulator;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts Bot API requests per method and the 429 answers handed out, for tests and benchmarks. */
final class RequestStats {

    private final Map<String, LongAdder> perMethod = new ConcurrentHashMap<>();
    private final LongAdder tooManyRequests = new LongAdder();

    void countRequest(String method) {
        perMethod.computeIfAbsent(method.toLowerCase(Locale.ROOT), key -> new LongAdder()).increment();
    }

    void countTooManyRequests() {
        tooManyRequests.increment();
    }

    long requests(String method) {
        LongAdder count = perMethod.get(method.toLowerCase(Locale.ROOT));
        return count == null ? 0 : count.sum();
    }

    long totalRequests() {
        return perMethod.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long tooManyRequests() {
        return tooManyRequests.sum();
    }
}
