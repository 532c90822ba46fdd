package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * The emulator's limits answer 429 with the wait they name, and accept again once it is over. Whether a burst is
 * refused is checked with windows of a minute, which a slow machine cannot outlast between two requests; that the
 * wait named is enough is checked with windows of a second, sending until one is refused.
 */
class RateLimitTest extends EmulatorTestBase {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration FAST = Duration.ofMillis(10);

    @Override
    protected EmulatorOptions options() {
        return EmulatorOptions.defaults();
    }

    @Test
    void telegramLimitsAreTheDefault() {
        assertThat(telegram.rateLimits()).isEqualTo(RateLimits.telegram());
        alice.start(bot);

        BotApiClient.Response refused = sendUntilRefused(() -> api.call(bot.token(), "sendMessage",
                "chat_id", alice.id(), "text", "burst"));

        assertThat(telegram.sentTo(alice, bot)).as("a chat's burst").hasSizeGreaterThanOrEqualTo(3);
        assertThat(refused.description()).isEqualTo("Too Many Requests: retry after 1");
    }

    @Test
    void perChatLimitAnswers429NamingTheWait() {
        telegram.rateLimits(RateLimits.telegram().withChat(2, MINUTE));
        alice.start(bot);
        ok("sendMessage", "chat_id", alice.id(), "text", "one");
        ok("sendMessage", "chat_id", alice.id(), "text", "two");

        BotApiClient.Response refused = error("sendMessage", "chat_id", alice.id(), "text", "three");

        assertThat(refused.status()).isEqualTo(429);
        int retryAfter = refused.body().at("/parameters/retry_after").asInt();
        assertThat(retryAfter).isBetween(1, 60);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue(String.valueOf(retryAfter));
        assertThat(telegram.tooManyRequestsCount()).isEqualTo(1);
        assertThat(telegram.sentTo(alice, bot)).hasSize(2);
    }

    @Test
    void perChatLimitAcceptsAgainAfterRetryAfter() throws InterruptedException {
        telegram.rateLimits(RateLimits.telegram().withChat(2, SECOND));
        alice.start(bot);

        acceptedAgainAfterRetryAfter(() -> api.call(bot.token(), "sendMessage", "chat_id", alice.id(), "text", "hi"));
    }

    @Test
    void perGroupLimitAnswers429AndLeavesPrivateChatsAlone() {
        telegram.rateLimits(RateLimits.telegram().withChat(100, FAST).withGroup(3, MINUTE));
        EmulatedGroup team = telegram.createGroup("Team", bot, alice);
        alice.start(bot);
        for (int i = 0; i < 3; i++) {
            ok("sendMessage", "chat_id", team.id(), "text", "group message " + i);
        }

        BotApiClient.Response refused = error("sendMessage", "chat_id", team.id(), "text", "too much");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().at("/parameters/retry_after").asInt()).isBetween(1, 60);
        ok("sendMessage", "chat_id", alice.id(), "text", "the group limit leaves private chats alone");
    }

    @Test
    void perGroupLimitAcceptsAgainAfterRetryAfter() throws InterruptedException {
        telegram.rateLimits(RateLimits.telegram().withChat(100, FAST).withGroup(3, SECOND));
        EmulatedGroup team = telegram.createGroup("Team", bot, alice);

        acceptedAgainAfterRetryAfter(() -> api.call(bot.token(), "sendMessage", "chat_id", team.id(), "text", "hi"));
    }

    @Test
    void perBotLimitAnswers429AndLeavesOtherBotsAlone() {
        telegram.rateLimits(RateLimits.telegram().withChat(100, FAST).withBot(3, MINUTE));
        EmulatedUser[] users = new EmulatedUser[4];
        for (int i = 0; i < users.length; i++) {
            users[i] = telegram.createUser("User " + i);
            users[i].start(bot);
        }
        for (int i = 0; i < 3; i++) {
            ok("sendMessage", "chat_id", users[i].id(), "text", "hello");
        }

        BotApiClient.Response refused = error("sendMessage", "chat_id", users[3].id(), "text", "hello");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().at("/parameters/retry_after").asInt()).isBetween(1, 60);
        EmulatedBot otherBot = telegram.createBot("Other", "other_bot");
        users[3].start(otherBot);
        assertThat(api.call(otherBot.token(), "sendMessage", "chat_id", users[3].id(), "text", "own budget").status())
                .isEqualTo(200);
    }

    @Test
    void perBotLimitAcceptsAgainAfterRetryAfter() throws InterruptedException {
        telegram.rateLimits(RateLimits.telegram().withChat(100, FAST).withBot(3, SECOND));
        EmulatedUser[] users = new EmulatedUser[50];
        for (int i = 0; i < users.length; i++) {
            users[i] = telegram.createUser("User " + i);
            users[i].start(bot);
        }
        int[] next = {0};

        acceptedAgainAfterRetryAfter(() -> api.call(bot.token(), "sendMessage",
                "chat_id", users[next[0]++ % users.length].id(), "text", "hello"));
    }

    @Test
    void setWebhookIsLimitedToOncePerInterval() {
        telegram.rateLimits(RateLimits.telegram().withSetWebhookInterval(MINUTE));
        ok("setWebhook", "url", "http://127.0.0.1:9/a");

        BotApiClient.Response refused = error("setWebhook", "url", "http://127.0.0.1:9/b");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().at("/parameters/retry_after").asInt()).isBetween(1, 60);
    }

    @Test
    void limitsCanBeSwitchedOff() {
        telegram.rateLimits(RateLimits.off());
        alice.start(bot);

        for (int i = 0; i < 50; i++) {
            ok("sendMessage", "chat_id", alice.id(), "text", "fast " + i);
        }

        assertThat(telegram.tooManyRequestsCount()).isZero();
        assertThat(telegram.requestCount("sendMessage")).isEqualTo(50);
    }

    /** Sends until a request is refused; however slow the machine, a window of a second fills in 50 requests. */
    private static BotApiClient.Response sendUntilRefused(Supplier<BotApiClient.Response> send) {
        BotApiClient.Response response = send.get();
        for (int i = 0; response.status() == 200 && i < 50; i++) {
            response = send.get();
        }
        assertThat(response.status()).isEqualTo(429);
        return response;
    }

    private static void acceptedAgainAfterRetryAfter(Supplier<BotApiClient.Response> send) throws InterruptedException {
        BotApiClient.Response refused = sendUntilRefused(send);

        Thread.sleep(Duration.ofSeconds(refused.body().at("/parameters/retry_after").asInt()));

        assertThat(send.get().status()).isEqualTo(200);
    }
}
