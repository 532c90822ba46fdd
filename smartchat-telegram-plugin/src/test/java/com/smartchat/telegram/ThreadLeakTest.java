package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.tck.TestChannelContext;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Start and stop release everything they create, threads platform and virtual; closing the provider ends the HTTP
 * client its channels shared.
 */
class ThreadLeakTest {

    private static BotApiEmulator telegram;

    @BeforeAll
    static void startTelegram() {
        telegram = TelegramTests.emulator();
    }

    @AfterAll
    static void stopTelegram() {
        telegram.close();
    }

    @Test
    void hundredStartStopCyclesLeaveNoThreadBehind() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        TestChannelContext context = new TestChannelContext(TelegramTests.settings(telegram, bot.token()));
        TelegramChannelProvider provider = new TelegramChannelProvider();
        try {
            Channel channel = provider.open(context);
            cycle(channel); // loads classes and starts the JDK's and OkHttp's own lazily created helpers once
            TelegramTests.await("the warm-up's threads to end", Duration.ofSeconds(10),
                    () -> census().plugin() == 0);
            ThreadCensus before = census();

            for (int i = 0; i < 100; i++) {
                cycle(channel);
            }

            // the poller's task on context.executor() ends just after stop() returned; a leaked one never would. The
            // census that ended the wait is the one checked: the in-process emulator's request threads come and go,
            // and a fresh census could count one of them
            AtomicReference<ThreadCensus> settled = new AtomicReference<>();
            try {
                TelegramTests.await("the plugin's threads and tasks to end", Duration.ofSeconds(10), () -> {
                    ThreadCensus now = census();
                    settled.set(now);
                    return now.plugin() == 0
                            && now.total() - now.okHttpHelpers() <= before.total() - before.okHttpHelpers();
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; threads before: " + before + "; at the end: "
                        + settled.get(), e);
            }
            ThreadCensus after = settled.get();
            System.out.println("Threads before 100 start/stop cycles: " + before + "; after: " + after);
            assertThat(after.plugin()).as("the plugin's own threads, virtual and platform").isZero();
            // OkHttp's task runner keeps a few idle helpers for a minute, however many cycles ran; one per cycle
            // would be a leak
            assertThat(after.okHttpHelpers()).as("OkHttp's shared helpers stay few").isLessThanOrEqualTo(10);
            assertThat(after.platform() - after.okHttpHelpers()).as("platform threads")
                    .isLessThanOrEqualTo(before.platform() - before.okHttpHelpers());
            assertThat(after.total() - after.okHttpHelpers()).as("all threads, virtual included")
                    .isLessThanOrEqualTo(before.total() - before.okHttpHelpers());
        } finally {
            provider.close();
            context.close();
        }
    }

    private static ThreadCensus census() {
        try {
            return ThreadCensus.take();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRunningChannelCostsNoPlatformThread() throws Exception {
        List<EmulatedBot> bots = java.util.stream.IntStream.range(0, 20).mapToObj(i -> TelegramTests.bot(telegram)).toList();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        TestChannelContext warm = new TestChannelContext(TelegramTests.settings(telegram, bots.getFirst().token()));
        Channel warmChannel = new TelegramChannelProvider().open(warm);
        warmChannel.start(); // the shared client and the JDK's helpers exist from here on
        try {
            int platformWithOne = threads.getThreadCount();
            List<TestChannelContext> contexts = bots.subList(1, bots.size()).stream()
                    .map(bot -> new TestChannelContext(TelegramTests.settings(telegram, bot.token()))).toList();
            List<Channel> channels = contexts.stream().map(c -> new TelegramChannelProvider().open(c)).toList();
            for (Channel channel : channels) {
                channel.start();
            }
            TelegramTests.await("every channel in a long poll", Duration.ofSeconds(30),
                    () -> bots.stream().allMatch(telegram::isPolling));
            int platformWithTwenty = threads.getThreadCount();
            channels.forEach(Channel::stop);
            for (TestChannelContext c : contexts) {
                c.close();
            }
            System.out.printf("Platform threads with 1 running channel: %d; with 20: %d%n", platformWithOne,
                    platformWithTwenty);
            // each test context brings one platform scheduler thread of its own; the channels themselves none
            assertThat(platformWithTwenty).isLessThanOrEqualTo(platformWithOne + contexts.size() + 2);
        } finally {
            warmChannel.stop();
            warm.close();
        }
    }

    private static void cycle(Channel channel) throws Exception {
        channel.start();
        channel.stop();
    }
}
