package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RateLimitTest extends EmulatorTestBase {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration FAST = Duration.ofMillis(10);

    @Override
    protected EmulatorOptions options() {
        return EmulatorOptions.defaults();
    }

    @Test
    void telegramLimitsAreTheDefault() {
        assertThat(telegram.rateLimits()).isEqualTo(RateLimits.telegram());
        alice.start(bot);

        for (int i = 0; i < 3; i++) {
            ok("sendMessage", "chat_id", alice.id(), "text", "burst " + i);
        }
        BotApiClient.Response refused = error("sendMessage", "chat_id", alice.id(), "text", "one too many");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.description()).isEqualTo("Too Many Requests: retry after 1");
    }

    @Test
    void perChatLimitAnswers429AndRecoversAfterRetryAfter() throws InterruptedException {
        telegram.rateLimits(RateLimits.telegram().withChat(2, SECOND));
        alice.start(bot);
        ok("sendMessage", "chat_id", alice.id(), "text", "one");
        ok("sendMessage", "chat_id", alice.id(), "text", "two");

        BotApiClient.Response refused = error("sendMessage", "chat_id", alice.id(), "text", "three");

        assertThat(refused.status()).isEqualTo(429);
        int retryAfter = refused.body().at("/parameters/retry_after").asInt();
        assertThat(retryAfter).isEqualTo(1);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(telegram.tooManyRequestsCount()).isEqualTo(1);
        assertThat(telegram.sentTo(alice, bot)).hasSize(2);

        Thread.sleep(Duration.ofSeconds(retryAfter));
        ok("sendMessage", "chat_id", alice.id(), "text", "three, later");
    }

    @Test
    void perGroupLimitAnswers429AndRecoversAfterRetryAfter() throws InterruptedException {
        telegram.rateLimits(RateLimits.telegram().withChat(100, FAST).withGroup(3, SECOND));
        EmulatedGroup team = telegram.createGroup("Team", bot, alice);
        alice.start(bot);
        for (int i = 0; i < 3; i++) {
            ok("sendMessage", "chat_id", team.id(), "text", "group message " + i);
        }

        BotApiClient.Response refused = error("sendMessage", "chat_id", team.id(), "text", "too much");

        assertThat(refused.status()).isEqualTo(429);
        int retryAfter = refused.body().at("/parameters/retry_after").asInt();
        assertThat(retryAfter).isEqualTo(1);
        ok("sendMessage", "chat_id", alice.id(), "text", "the group limit leaves private chats alone");
        Thread.sleep(Duration.ofSeconds(retryAfter));
        ok("sendMessage", "chat_id", team.id(), "text", "again");
    }

    @Test
    void perBotLimitAnswers429AndRecoversAfterRetryAfter() throws InterruptedException {
        telegram.rateLimits(RateLimits.telegram().withChat(100, FAST).withBot(3, SECOND));
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
        int retryAfter = refused.body().at("/parameters/retry_after").asInt();
        assertThat(retryAfter).isEqualTo(1);
        EmulatedBot otherBot = telegram.createBot("Other", "other_bot");
        users[3].start(otherBot);
        assertThat(api.call(otherBot.token(), "sendMessage", "chat_id", users[3].id(), "text", "own budget").status())
                .isEqualTo(200);
        Thread.sleep(Duration.ofSeconds(retryAfter));
        ok("sendMessage", "chat_id", users[3].id(), "text", "hello, later");
    }

    @Test
    void setWebhookIsLimitedToOncePerSecond() {
        ok("setWebhook", "url", "http://127.0.0.1:9/a");

        BotApiClient.Response refused = error("setWebhook", "url", "http://127.0.0.1:9/b");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().at("/parameters/retry_after").asInt()).isEqualTo(1);
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
}
