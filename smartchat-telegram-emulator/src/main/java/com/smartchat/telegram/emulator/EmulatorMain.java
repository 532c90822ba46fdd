package com.smartchat.telegram.emulator;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator standalone: {@code java ... EmulatorMain [--port N] [--no-rate-limits]}.
 * Prints the base URL, a demo bot's token and a demo user, then serves until the process is stopped.
 */
public final class EmulatorMain {

    private EmulatorMain() {
    }

    /**
     * Starts the emulator and blocks until the JVM shuts down.
     *
     * @param args {@code --port N} (default: a free port) and {@code --no-rate-limits}
     * @throws InterruptedException when the main thread is interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        EmulatorOptions options = EmulatorOptions.defaults();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> options = options.withPort(Integer.parseInt(args[++i]));
                case "--no-rate-limits" -> options = options.withRateLimits(RateLimits.off());
                default -> {
                    System.err.println("usage: EmulatorMain [--port N] [--no-rate-limits]");
                    System.exit(2);
                }
            }
        }
        BotApiEmulator telegram = BotApiEmulator.start(options);
        EmulatedBot bot = telegram.createBot("Demo Bot", "demo_bot");
        EmulatedUser user = telegram.createUser("Alice", "alice", "en");
        user.start(bot);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            telegram.close();
            stopped.countDown();
        }));
        System.out.println("Telegram Bot API emulator at " + telegram.baseUrl());
        System.out.println("demo bot @" + bot.username() + " token " + bot.token());
        System.out.println("demo user @" + user.username() + " id " + user.id() + " has sent /start");
        stopped.await();
    }
}
