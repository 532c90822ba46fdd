package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class WebhookTest extends EmulatorTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private WebhookReceiver receiver;

    @Override
    protected EmulatorOptions options() {
        return super.options().withWebhookRetries(2, Duration.ofMillis(20));
    }

    @BeforeEach
    void startReceiver() {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void updatesArePostedAsJsonWithTheSecretHeader() throws Exception {
        ok("setWebhook", "url", receiver.url(), "secret_token", "s3cr3t_-Token");

        alice.send(bot, "hello webhook");

        WebhookReceiver.Delivery delivery = receiver.next(WAIT);
        JsonNode update = BotApiClient.JSON.readTree(delivery.body());
        assertThat(update.get("update_id").isIntegralNumber()).isTrue();
        assertThat(update.at("/message/text").asString()).isEqualTo("hello webhook");
        assertThat(delivery.headers().getFirst("X-Telegram-Bot-Api-Secret-Token")).isEqualTo("s3cr3t_-Token");
        assertThat(delivery.headers().getFirst("Content-Type")).isEqualTo("application/json");
        awaitTrue(() -> ok("getWebhookInfo").get("pending_update_count").asInt() == 0);
    }

    @Test
    void withoutSecretThereIsNoSecretHeader() throws Exception {
        ok("setWebhook", "url", receiver.url());

        alice.send(bot, "hello");

        assertThat(receiver.next(WAIT).headers().containsKey("X-Telegram-Bot-Api-Secret-Token")).isFalse();
    }

    @Test
    void updatesOfAChatArriveInOrder() throws Exception {
        ok("setWebhook", "url", receiver.url());

        for (int i = 0; i < 5; i++) {
            alice.send(bot, "message " + i);
        }

        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            texts.add(BotApiClient.JSON.readTree(receiver.next(WAIT).body()).at("/message/text").asString());
        }
        assertThat(texts).containsExactly("message 0", "message 1", "message 2", "message 3", "message 4");
    }

    @Test
    void non2xxAnswersAreRetriedAndRecordedAsLastError() throws Exception {
        receiver.failNext(2, 500);
        ok("setWebhook", "url", receiver.url());

        alice.send(bot, "eventually");

        assertThat(BotApiClient.JSON.readTree(receiver.next(WAIT).body()).at("/message/text").asString())
                .isEqualTo("eventually");
        assertThat(receiver.attempts()).isEqualTo(3);
        JsonNode info = ok("getWebhookInfo");
        assertThat(info.get("last_error_message").asString())
                .isEqualTo("Wrong response from the webhook: 500 Internal Server Error");
        assertThat(info.get("last_error_date").asLong())
                .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
    }

    @Test
    void anUpdateIsDroppedAfterTheLastRetry() {
        receiver.failNext(100, 502);
        ok("setWebhook", "url", receiver.url());

        alice.send(bot, "lost");

        awaitTrue(() -> receiver.attempts() == 3 && ok("getWebhookInfo").get("pending_update_count").asInt() == 0);
        assertThat(ok("getWebhookInfo").get("last_error_message").asString())
                .isEqualTo("Wrong response from the webhook: 502 Bad Gateway");
    }

    @Test
    void connectionErrorsAreRecorded() {
        ok("setWebhook", "url", "http://127.0.0.1:9/nobody-listens");

        alice.send(bot, "into the void");

        awaitTrue(() -> ok("getWebhookInfo").has("last_error_message"));
        assertThat(ok("getWebhookInfo").get("last_error_message").asString()).isEqualTo("Connection refused");
    }

    @Test
    void pendingUpdateCountCountsUndeliveredUpdates() throws Exception {
        receiver.holdRequests();
        ok("setWebhook", "url", receiver.url(), "max_connections", 1);

        alice.send(bot, "first");
        alice.send(bot, "second");

        assertThat(ok("getWebhookInfo").get("pending_update_count").asInt()).isEqualTo(2);
        receiver.release();
        receiver.next(WAIT);
        receiver.next(WAIT);
        awaitTrue(() -> ok("getWebhookInfo").get("pending_update_count").asInt() == 0);
    }

    @Test
    void getWebhookInfoDescribesTheWebhook() {
        JsonNode none = ok("getWebhookInfo");
        assertThat(none.get("url").asString()).isEmpty();
        assertThat(none.get("has_custom_certificate").asBoolean()).isFalse();
        assertThat(none.get("pending_update_count").asInt()).isZero();
        assertThat(none.has("max_connections")).isFalse();

        ok("setWebhook", "url", receiver.url(), "allowed_updates", List.of("message", "callback_query"));
        JsonNode set = ok("getWebhookInfo");

        assertThat(set.get("url").asString()).isEqualTo(receiver.url());
        assertThat(set.get("max_connections").asInt()).isEqualTo(40);
        assertThat(set.get("allowed_updates")).hasSize(2);
        assertThat(set.has("last_error_date")).isFalse();
    }

    @Test
    void setWebhookValidatesItsParameters() {
        assertThat(error("setWebhook", "url", receiver.url(), "secret_token", "no spaces!").description())
                .isEqualTo("Bad Request: secret token contains unallowed characters");
        assertThat(error("setWebhook", "url", receiver.url(), "secret_token", "x".repeat(257)).description())
                .isEqualTo("Bad Request: secret token is too long");
        assertThat(error("setWebhook", "url", "ftp://example.org/hook").description())
                .isEqualTo("Bad Request: invalid webhook URL specified");

        ok("setWebhook", "url", receiver.url(), "max_connections", 500, "secret_token", "x".repeat(256));
        assertThat(ok("getWebhookInfo").get("max_connections").asInt()).isEqualTo(100);
    }

    @Test
    void setAndDeleteAnswerWithTelegramsDescriptions() {
        assertThat(api.call(bot.token(), "setWebhook", "url", receiver.url()).description())
                .isEqualTo("Webhook was set");
        assertThat(api.call(bot.token(), "setWebhook", "url", receiver.url()).description())
                .isEqualTo("Webhook is already set");
        assertThat(api.call(bot.token(), "deleteWebhook").description()).isEqualTo("Webhook was deleted");
        assertThat(api.call(bot.token(), "deleteWebhook").description()).isEqualTo("Webhook is already deleted");
    }

    @Test
    void deleteWebhookCanDropPendingUpdates() {
        alice.send(bot, "old news");
        assertThat(telegram.pendingUpdateCount(bot)).isEqualTo(1);

        ok("deleteWebhook", "drop_pending_updates", true);

        assertThat(ok("getUpdates")).isEmpty();
    }

    @Test
    void aMethodCallInTheWebhookAnswerIsExecuted() {
        alice.start(bot);
        receiver.answerWith("{\"method\":\"sendMessage\",\"chat_id\":" + alice.id() + ",\"text\":\"pong\"}");
        ok("setWebhook", "url", receiver.url());

        alice.send(bot, "ping");

        List<SentMessage> sent = telegram.awaitSent(alice, bot, 1, WAIT);
        assertThat(sent.getFirst().text()).isEqualTo("pong");
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
