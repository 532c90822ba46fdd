package com.smartchat.telegram;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * The Telegram plugin's per-message code, against what TelegramBots does bare: reading a getUpdates answer of 100
 * text messages (the plugin keeps each update's JSON and survives unreadable ones; the library maps the batch in
 * one go), turning one update into the SPI's event, and splitting a long text at Telegram's 4096 characters.
 *
 * <p>In this package to reach the plugin's package-private classes, which the plugin jar on the classpath provides.
 * Run: {@code java -jar smartchat-benchmarks/target/smartchat-benchmarks.jar jmh PluginHotPath}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PluginHotPathBenchmark {

    private String batchOf100;
    private PollRequest.RawUpdate update;
    private UpdateMapper mapper;
    private String longText;

    @Setup
    public void setUp() throws Exception {
        StringBuilder json = new StringBuilder("{\"ok\":true,\"result\":[");
        for (int i = 0; i < 100; i++) {
            json.append(i == 0 ? "" : ",").append(update(500_000 + i, 6_100_000_000L + i, "hello from user " + i));
        }
        batchOf100 = json.append("]}").toString();
        update = PollRequest.read(update(1, 6_100_000_001L, "How do I reset my password?"));
        mapper = new UpdateMapper(Clock.systemUTC(), "bench_bot");
        longText = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(180); // about 10,000 characters
    }

    private static String update(int updateId, long userId, String text) {
        return "{\"update_id\":" + updateId + ",\"message\":{\"message_id\":" + (updateId % 1000 + 1)
                + ",\"from\":{\"id\":" + userId + ",\"is_bot\":false,\"first_name\":\"User\",\"username\":\"user"
                + userId + "\",\"language_code\":\"en\"},\"chat\":{\"id\":" + userId + ",\"first_name\":\"User\","
                + "\"username\":\"user" + userId + "\",\"type\":\"private\"},\"date\":1767225600,\"text\":\""
                + text + "\"}}";
    }

    /** The plugin's reading of a batch: update by update, keeping each one's JSON. */
    @Benchmark
    public List<Update> pluginReadsBatchOf100() throws Exception {
        return new PollRequest(1, 50).deserializeResponse(batchOf100);
    }

    /** TelegramBots' own reading of the same batch (the baseline). */
    @Benchmark
    public List<Update> libraryReadsBatchOf100() throws Exception {
        return GetUpdates.builder().offset(1).timeout(50).build().deserializeResponse(batchOf100);
    }

    /** One update to the SPI's event. */
    @Benchmark
    public Object pluginMapsOneUpdate() {
        return mapper.map(update);
    }

    /** A 10,000-character reply split for Telegram. */
    @Benchmark
    public List<String> pluginSplitsLongText() {
        return TextSplitter.split(longText, TextSplitter.MESSAGE_LIMIT);
    }
}
