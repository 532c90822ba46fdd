package com.smartchat.telegram.emulator;

import java.io.PrintStream;
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
        BotApiEmulator telegram;
        try {
            telegram = start(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            telegram.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    /** Parses the arguments, starts the emulator with a demo bot and user, and prints how to reach them. */
    static BotApiEmulator start(String[] args, PrintStream out) {
        EmulatorOptions options = EmulatorOptions.defaults();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                options = options.withPort(Integer.parseInt(args[++i]));
            } else if (args[i].equals("--no-rate-limits")) {
                options = options.withRateLimits(RateLimits.off());
            } else {
                throw new IllegalArgumentException("usage: EmulatorMain [--port N] [--no-rate-limits]");
            }
        }
        BotApiEmulator telegram = BotApiEmulator.start(options);
        EmulatedBot bot = telegram.createBot("Demo Bot", "demo_bot");
        EmulatedUser user = telegram.createUser("Alice", "alice", "en");
        user.start(bot);
        out.println("Telegram Bot API emulator at " + telegram.baseUrl());
        out.println("demo bot @" + bot.username() + " token " + bot.token());
        out.println("demo user @" + user.username() + " (id " + user.id() + ") has sent /start");
        return telegram;
    }
}
