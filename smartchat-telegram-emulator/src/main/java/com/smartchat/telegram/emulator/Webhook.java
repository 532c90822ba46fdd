package com.smartchat.telegram.emulator;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The webhook of one bot: POSTs each pending update as JSON to the URL, with the secret header when a secret is
 * set, up to {@code max_connections} at once and in order within each chat.
 *
 * <p>A non-2xx answer or a connection error is retried after a doubling delay (or the answer's Retry-After),
 * up to the configured number of retries, then the update is dropped; each failure is recorded for
 * {@code getWebhookInfo}. A 2xx answer whose body is a Bot API call ({@code {"method":...}}) is executed, as
 * Telegram does.
 */
final class Webhook {

    private static final System.Logger LOG = System.getLogger(Webhook.class.getName());

    private final EmulatedBot bot;
    private final String url;
    private final String secretToken;
    private final int maxConnections;
    private final Supplier<HttpClient> client;
    private final EmulatorOptions options;
    private final BiConsumer<EmulatedBot, String> replyExecutor;
    private final Semaphore connections;
    private volatile boolean stopped;
    private volatile long lastErrorDate;
    private volatile String lastErrorMessage;

    /**
     * @param replyExecutor runs a Bot API call found in a webhook's answer, given the bot and the answer body
     */
    Webhook(EmulatedBot bot, String url, String secretToken, int maxConnections, Supplier<HttpClient> client,
            EmulatorOptions options, BiConsumer<EmulatedBot, String> replyExecutor) {
        this.bot = bot;
        this.url = url;
        this.secretToken = secretToken;
        this.maxConnections = maxConnections;
        this.client = client;
        this.options = options;
        this.replyExecutor = replyExecutor;
        this.connections = new Semaphore(maxConnections);
    }

    String url() {
        return url;
    }

    String secretToken() {
        return secretToken;
    }

    int maxConnections() {
        return maxConnections;
    }

    /** Unix time of the last failed delivery, or 0. */
    long lastErrorDate() {
        return lastErrorDate;
    }

    /** Why the last delivery failed, or null. */
    String lastErrorMessage() {
        return lastErrorMessage;
    }

    void start() {
        Thread.ofVirtual().name("webhook-" + bot.username()).start(this::dispatch);
    }

    void stop() {
        stopped = true;
        bot.updates.wakeUp();
    }

    private void dispatch() {
        try {
            while (!stopped) {
                connections.acquire();
                UpdateQueue.Update update = bot.updates.nextForDelivery(() -> stopped);
                if (update == null) {
                    connections.release();
                    return;
                }
                Thread.ofVirtual().name("webhook-delivery-" + bot.username()).start(() -> deliver(update));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(UpdateQueue.Update update) {
        boolean done = false;
        long retryDelay = 0;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(options.webhookTimeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(update.json));
            if (!secretToken.isEmpty()) {
                request.header("X-Telegram-Bot-Api-Secret-Token", secretToken);
            }
            HttpResponse<String> response = client.get().send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                done = true;
                if (response.body().contains("\"method\"")) {
                    replyExecutor.accept(bot, response.body());
                }
            } else {
                failed("Wrong response from the webhook: " + response.statusCode() + " "
                        + BotApiServer.reasonPhrase(response.statusCode()));
                retryDelay = response.headers().firstValueAsLong("Retry-After").orElse(0) * 1_000_000_000L;
            }
        } catch (ConnectException e) {
            failed("Connection refused");
        } catch (HttpTimeoutException e) {
            failed("Read timeout expired");
        } catch (IOException | IllegalArgumentException e) {
            failed(e.getMessage() == null ? "Webhook connection closed" : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!done) {
                update.failures++;
                if (update.failures > options.webhookRetries()) {
                    // Telegram gives up on an update eventually; the emulator does so after the configured retries.
                    LOG.log(System.Logger.Level.DEBUG, "dropping update {0} of {1} after {2} failures",
                            update.id, bot, update.failures);
                    done = true;
                } else if (retryDelay == 0) {
                    retryDelay = options.webhookRetryDelay().toNanos() << (update.failures - 1);
                }
            }
            bot.updates.deliveryEnded(update, done, retryDelay);
            connections.release();
        }
    }

    private void failed(String message) {
        lastErrorMessage = message;
        lastErrorDate = Instant.now().getEpochSecond();
    }
}
