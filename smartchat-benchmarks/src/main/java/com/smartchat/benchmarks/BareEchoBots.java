package com.smartchat.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.longpolling.util.DefaultGetUpdatesGenerator;
import org.telegram.telegrambots.longpolling.util.DefaultLongPollingUpdateConsumer;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * The baseline: echo bots written the way TelegramBots' documentation shows, with every default. One
 * {@link TelegramBotsLongPollingApplication} (default constructor: a new OkHttpClient and a new single-thread
 * scheduler per bot), each bot registered with the default getUpdates generator (limit 100, timeout 50 s), a
 * {@link DefaultLongPollingUpdateConsumer} (a thread per bot that handles updates in order), and an
 * {@link OkHttpTelegramClient} per bot that answers each text with {@code sendMessage}.
 *
 * <p>Run by the benchmarks in a JVM of its own, like the host: {@code BareEchoBots <Bot API URL> <token file>}.
 * Prints {@code HEAP0 <bytes>} (heap after a GC before any bot exists), then {@code READY} once every bot is
 * registered, and runs until its standard input closes.
 */
public final class BareEchoBots {

    private BareEchoBots() {
    }

    public static void main(String[] args) throws Exception {
        URI api = URI.create(args[0]);
        List<String> tokens = Files.readAllLines(Path.of(args[1])).stream().filter(line -> !line.isBlank()).toList();
        TelegramUrl url = new TelegramUrl(api.getScheme(), api.getHost(), api.getPort(), false);
        System.gc();
        System.out.println("HEAP0 " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        TelegramBotsLongPollingApplication application = new TelegramBotsLongPollingApplication();
        for (String token : tokens) {
            OkHttpTelegramClient client = new OkHttpTelegramClient(token, url);
            application.registerBot(token, () -> url, new DefaultGetUpdatesGenerator(), new Echo(client));
        }
        System.out.println("READY " + tokens.size());
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // until the benchmark closes our input
            }
        } catch (IOException e) {
            // the benchmark is gone
        }
        application.close();
        System.exit(0);
    }

    /** Answers every text message with the same text. */
    private static final class Echo extends DefaultLongPollingUpdateConsumer {
        private final OkHttpTelegramClient client;

        Echo(OkHttpTelegramClient client) {
            this.client = client;
        }

        @Override
        public void consume(Update update) {
            if (update.hasMessage() && update.getMessage().hasText()) {
                try {
                    client.execute(SendMessage.builder().chatId(update.getMessage().getChatId())
                            .text(update.getMessage().getText()).build());
                } catch (TelegramApiException e) {
                    System.err.println("echo failed: " + e);
                }
            }
        }
    }
}
