package com.smartchat.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --name=value} arguments, each with a default the benchmark states. */
final class Options {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> used = new LinkedHashMap<>();

    Options(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            int eq = arg.indexOf('=');
            values.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
    }

    String string(String name, String fallback) {
        String value = values.getOrDefault(name, fallback);
        used.put(name, value);
        return value;
    }

    int integer(String name, int fallback) {
        return Integer.parseInt(string(name, String.valueOf(fallback)).replace("_", "").replace(",", ""));
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(string(name, "false"));
    }

    Duration seconds(String name, int fallback) {
        return Duration.ofMillis((long) (Double.parseDouble(string(name, String.valueOf(fallback))) * 1000));
    }

    Path path(String name, String fallback) {
        return Path.of(string(name, fallback)).toAbsolutePath();
    }

    List<Integer> integers(String name, String fallback) {
        List<Integer> list = new ArrayList<>();
        for (String part : string(name, fallback).split("[,;:/ ]")) {
            if (!part.isBlank()) {
                list.add(Integer.parseInt(part.strip().replace("_", "")));
            }
        }
        return list;
    }

    /** The options this run used, defaults included, as {@code --name=value} words. */
    String describe() {
        StringBuilder text = new StringBuilder();
        used.forEach((name, value) -> text.append(text.isEmpty() ? "" : " ").append("--").append(name).append('=').append(value));
        return text.toString();
    }

    /** Names given on the command line that no benchmark asked for: most likely typos. */
    List<String> unknown() {
        return values.keySet().stream().filter(name -> !used.containsKey(name)).toList();
    }
}
