package com.smartchat.telegram.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Network and server faults injected into the Bot API, to test how a client copes.
 *
 * <p>Each fault applies to every method, or to one method when a method name is given (case-insensitive), so
 * that a test can fail {@code sendMessage} while its poller keeps polling. Faults act before the token is
 * checked, like a proxy in front of Telegram would. Injected 502, 503 and 504 answers carry the HTML page of
 * Telegram's nginx front, not JSON, as the real ones do; other injected statuses carry Telegram-style JSON,
 * and an injected 429 carries {@code retry_after} 1.
 *
 * <p>Thread-safe; methods return {@code this} for chaining.
 */
public final class Faults {

    private static final String ANY_METHOD = "*";

    private final Map<String, Duration> latencies = new ConcurrentHashMap<>();
    private final List<Rule> rules = new ArrayList<>();

    Faults() {
    }

    /**
     * Delays every request by {@code delay} before answering it.
     *
     * @param delay the added latency; zero removes it
     * @return this
     */
    public Faults latency(Duration delay) {
        return latency(ANY_METHOD, delay);
    }

    /**
     * Delays every request to one method.
     *
     * @param method the Bot API method name, case-insensitive
     * @param delay the added latency; zero removes it
     * @return this
     */
    public Faults latency(String method, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isZero()) {
            latencies.remove(key(method));
        } else {
            latencies.put(key(method), delay);
        }
        return this;
    }

    /**
     * Answers the next {@code count} requests with the HTTP status {@code status} instead of handling them.
     *
     * @param count how many requests fail
     * @param status the HTTP status, for example 500 or 502
     * @return this
     */
    public Faults failNext(int count, int status) {
        return failNext(ANY_METHOD, count, status);
    }

    /**
     * Answers the next {@code count} requests to one method with the HTTP status {@code status}.
     *
     * @param method the Bot API method name, case-insensitive
     * @param count how many requests fail
     * @param status the HTTP status
     * @return this
     */
    public Faults failNext(String method, int count, int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP error status: " + status);
        }
        return addRule(method, count, status);
    }

    /**
     * Carries out the next {@code count} requests to one method (a message is sent, an update confirmed) and then
     * closes their connections without an answer: the client cannot know that its request took effect.
     *
     * @param method the Bot API method name, case-insensitive
     * @param count how many answers are lost
     * @return this
     */
    public Faults loseNextAnswers(String method, int count) {
        return addRule(method, count, Injected.ANSWER_LOST);
    }

    /**
     * Closes the connection of the next {@code count} requests without any answer, before handling them.
     * Note that OkHttp silently retries a request whose pooled connection was closed, so a client built on it
     * may need two drops in a row before it sees an error.
     *
     * @param count how many connections are dropped
     * @return this
     */
    public Faults dropNextConnections(int count) {
        return dropNextConnections(ANY_METHOD, count);
    }

    /**
     * Closes the connection of the next {@code count} requests to one method without any answer.
     *
     * @param method the Bot API method name, case-insensitive
     * @param count how many connections are dropped
     * @return this
     */
    public Faults dropNextConnections(String method, int count) {
        return addRule(method, count, Injected.DROP);
    }

    /**
     * Removes every latency and every pending failure or drop.
     *
     * @return this
     */
    public Faults clear() {
        latencies.clear();
        synchronized (rules) {
            rules.clear();
        }
        return this;
    }

    /** The latency for a request to {@code method} (lower case): the method's own, else the general one. */
    Duration latencyFor(String method) {
        Duration own = latencies.get(method);
        return own != null ? own : latencies.getOrDefault(ANY_METHOD, Duration.ZERO);
    }

    /** Consumes and returns the fault planned for this request to {@code method} (lower case), or null. */
    Injected takeFault(String method) {
        synchronized (rules) {
            for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
                Rule rule = it.next();
                if (rule.method.equals(ANY_METHOD) || rule.method.equals(method)) {
                    if (--rule.remaining == 0) {
                        it.remove();
                    }
                    return new Injected(rule.status);
                }
            }
            return null;
        }
    }

    private Faults addRule(String method, int count, int status) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        synchronized (rules) {
            rules.add(new Rule(key(method), count, status));
        }
        return this;
    }

    private static String key(String method) {
        return Objects.requireNonNull(method, "method").toLowerCase(Locale.ROOT);
    }

    /**
     * A planned failure; {@link #DROP} as status means: close the connection without an answer, before handling the
     * request; {@link #ANSWER_LOST}: after handling it.
     */
    record Injected(int status) {
        static final int DROP = -1;
        static final int ANSWER_LOST = -2;

        boolean drop() {
            return status == DROP;
        }

        boolean answerLost() {
            return status == ANSWER_LOST;
        }
    }

    private static final class Rule {
        final String method;
        final int status;
        int remaining;

        Rule(String method, int remaining, int status) {
            this.method = method;
            this.remaining = remaining;
            this.status = status;
        }
    }
}
