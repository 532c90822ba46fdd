package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class GetUpdatesTest extends EmulatorTestBase {

    private static final String OTHER_POLLER_CONFLICT =
            "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

    @Test
    void unconfirmedUpdatesAreDeliveredAgain() {
        alice.send(bot, "one");
        alice.send(bot, "two");

        JsonNode first = ok("getUpdates");
        JsonNode second = ok("getUpdates");

        assertThat(first).hasSize(2);
        assertThat(second).isEqualTo(first);
        assertThat(first.get(0).at("/message/text").asString()).isEqualTo("one");
        assertThat(first.get(1).at("/message/text").asString()).isEqualTo("two");
    }

    @Test
    void aHigherOffsetConfirmsEarlierUpdatesForGood() {
        alice.send(bot, "one");
        alice.send(bot, "two");
        alice.send(bot, "three");
        List<Long> ids = updateIds(ok("getUpdates"));

        JsonNode fromSecond = ok("getUpdates", "offset", ids.get(1));
        JsonNode afterConfirmation = ok("getUpdates");
        JsonNode allConfirmed = ok("getUpdates", "offset", ids.get(2) + 1);

        assertThat(updateIds(fromSecond)).containsExactly(ids.get(1), ids.get(2));
        assertThat(updateIds(afterConfirmation)).containsExactly(ids.get(1), ids.get(2));
        assertThat(allConfirmed).isEmpty();
        assertThat(ok("getUpdates")).isEmpty();
    }

    @Test
    void negativeOffsetKeepsOnlyTheLastUpdates() {
        for (int i = 0; i < 4; i++) {
            alice.send(bot, "message " + i);
        }

        JsonNode lastTwo = ok("getUpdates", "offset", -2);

        assertThat(lastTwo).hasSize(2);
        assertThat(lastTwo.get(0).at("/message/text").asString()).isEqualTo("message 2");
        assertThat(ok("getUpdates")).hasSize(2);
    }

    @Test
    void limitCapsTheBatchAndIsClampedToOneToHundred() {
        for (int i = 0; i < 5; i++) {
            alice.send(bot, "message " + i);
        }

        assertThat(ok("getUpdates", "limit", 2)).hasSize(2);
        assertThat(ok("getUpdates", "limit", 0)).hasSize(1);
        assertThat(ok("getUpdates", "limit", 500)).hasSize(5);
        assertThat(ok("getUpdates")).hasSize(5);
    }

    @Test
    void updateIdsIncrease() {
        for (int i = 0; i < 10; i++) {
            alice.send(bot, "message " + i);
        }

        List<Long> ids = updateIds(ok("getUpdates"));

        assertThat(ids).hasSize(10).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void longPollReturnsAsSoonAsAnUpdateArrives() throws Exception {
        long started = System.nanoTime();
        CompletableFuture<BotApiClient.Response> poll = api.callAsync(bot.token(), "getUpdates", "timeout", 60);
        awaitWaitingPolls(1);
        assertThat(poll).isNotDone();

        alice.send(bot, "wake up");

        BotApiClient.Response response = poll.get(60, TimeUnit.SECONDS);
        assertThat(response.result()).hasSize(1);
        assertThat(response.result().get(0).at("/message/text").asString()).isEqualTo("wake up");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("before the poll's own timeout")
                .isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void longPollWithoutUpdatesAnswersAnEmptyListAfterTheTimeout() {
        long started = System.nanoTime();

        JsonNode updates = ok("getUpdates", "timeout", 1);

        assertThat(updates).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(900));
    }

    @Test
    void allowedUpdatesFiltersUpdatesCreatedAfterwards() {
        alice.start(bot);
        JsonNode beforeTheSetting = ok("getUpdates", "allowed_updates", List.of("callback_query"));
        assertThat(beforeTheSetting).hasSize(1);
        int menu = ok("sendMessage", "chat_id", alice.id(), "text", "Menu", "reply_markup",
                BotApiClient.JSON.readTree("{\"inline_keyboard\":[[{\"text\":\"Go\",\"callback_data\":\"go\"}]]}"))
                .get("message_id").asInt();

        alice.send(bot, "ignored: messages are not allowed");
        alice.pressButton(bot, menu, "go");
        JsonNode onlyCallbacks = ok("getUpdates", "offset", updateIds(beforeTheSetting).getFirst() + 1);

        assertThat(onlyCallbacks).hasSize(1);
        assertThat(onlyCallbacks.get(0).has("callback_query")).isTrue();

        alice.send(bot, "still ignored: omitting allowed_updates keeps the setting");
        assertThat(ok("getUpdates", "offset", updateIds(onlyCallbacks).getFirst() + 1)).isEmpty();

        ok("getUpdates", "allowed_updates", List.of());
        alice.send(bot, "an empty list means the default again");
        assertThat(ok("getUpdates").get(0).at("/message/text").asString())
                .isEqualTo("an empty list means the default again");
    }

    @Test
    void aSecondPollerEndsTheFirstWithConflict() throws Exception {
        CompletableFuture<BotApiClient.Response> first = api.callAsync(bot.token(), "getUpdates", "timeout", 60);
        awaitWaitingPolls(1);

        CompletableFuture<BotApiClient.Response> second = api.callAsync(bot.token(), "getUpdates", "timeout", 60);

        BotApiClient.Response ended = first.get(50, TimeUnit.SECONDS);
        awaitWaitingPolls(2);
        assertThat(ended.status()).isEqualTo(409);
        assertThat(ended.description()).isEqualTo(OTHER_POLLER_CONFLICT);
        assertThat(second).isNotDone();
        alice.send(bot, "for the survivor");
        assertThat(second.get(50, TimeUnit.SECONDS).result()).hasSize(1);
    }

    @Test
    void pollingWhileAWebhookIsSetIsAConflict() {
        ok("setWebhook", "url", "http://127.0.0.1:9/hook");

        BotApiClient.Response response = error("getUpdates");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.description()).isEqualTo("Conflict: can't use getUpdates method while webhook is active;"
                + " use deleteWebhook to delete the webhook first");
        ok("deleteWebhook");
        assertThat(ok("getUpdates")).isEmpty();
    }

    @Test
    void settingAWebhookEndsTheWaitingPoll() throws Exception {
        CompletableFuture<BotApiClient.Response> poll = api.callAsync(bot.token(), "getUpdates", "timeout", 60);
        awaitWaitingPolls(1);

        ok("setWebhook", "url", "http://127.0.0.1:9/hook");

        BotApiClient.Response ended = poll.get(50, TimeUnit.SECONDS);
        assertThat(ended.status()).isEqualTo(409);
        assertThat(ended.description()).isEqualTo("Conflict: terminated by setWebhook request");
    }

    @Test
    void revokingTheTokenAnswersTheWaitingPollWith401() throws Exception {
        CompletableFuture<BotApiClient.Response> poll = api.callAsync(bot.token(), "getUpdates", "timeout", 60);
        awaitWaitingPolls(1);

        telegram.revokeToken(bot);

        BotApiClient.Response ended = poll.get(50, TimeUnit.SECONDS);
        assertThat(ended.status()).isEqualTo(401);
        assertThat(ended.description()).isEqualTo("Unauthorized");
    }

    @Test
    void rotatingTheTokenAnswersTheWaitingPollWith401AndTheNewTokenGetsTheUpdates() throws Exception {
        CompletableFuture<BotApiClient.Response> poll = api.callAsync(bot.token(), "getUpdates", "timeout", 60);
        awaitWaitingPolls(1);

        String newToken = telegram.rotateToken(bot);
        alice.send(bot, "after rotation");

        assertThat(poll.get(50, TimeUnit.SECONDS).status()).isEqualTo(401);
        assertThat(api.call(newToken, "getUpdates").result().get(0).at("/message/text").asString())
                .isEqualTo("after rotation");
    }

    @Test
    void startPayloadArrivesAsStartCommandWithEntity() {
        alice.start(bot, "ref-42_x");

        JsonNode message = ok("getUpdates").get(0).get("message");

        assertThat(message.get("text").asString()).isEqualTo("/start ref-42_x");
        assertThat(message.at("/entities/0/type").asString()).isEqualTo("bot_command");
        assertThat(message.at("/entities/0/length").asInt()).isEqualTo(6);
        assertThat(message.at("/from/id").asLong()).isEqualTo(alice.id()).isGreaterThan(1L << 32);
        assertThat(message.at("/from/language_code").asString()).isEqualTo("en");
        assertThat(message.at("/chat/type").asString()).isEqualTo("private");
    }

    /** Waits until that many getUpdates requests arrived and one of them waits. */
    private void awaitWaitingPolls(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((telegram.requestCount("getUpdates") < count || !telegram.isPolling(bot))
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(telegram.isPolling(bot)).isTrue();
    }

    private static List<Long> updateIds(JsonNode updates) {
        List<Long> ids = new ArrayList<>();
        updates.forEach(update -> ids.add(update.get("update_id").asLong()));
        return ids;
    }
}
