package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import tools.jackson.databind.JsonNode;

/** Starts an emulator with a bot and a user for each test; rate limits are off unless a test wants them. */
abstract class EmulatorTestBase {

    protected BotApiEmulator telegram;
    protected BotApiClient api;
    protected EmulatedBot bot;
    protected EmulatedUser alice;

    protected EmulatorOptions options() {
        return EmulatorOptions.defaults().withRateLimits(RateLimits.off());
    }

    @BeforeEach
    void startEmulator() {
        telegram = BotApiEmulator.start(options());
        api = new BotApiClient(telegram.baseUrl());
        bot = telegram.createBot("Support Bot", "support_bot");
        alice = telegram.createUser("Alice", "alice", "en");
    }

    @AfterEach
    void stopEmulator() {
        telegram.close();
    }

    /** Calls a method that must succeed and returns its result. */
    protected JsonNode ok(String method, Object... namesAndValues) {
        BotApiClient.Response response = api.call(bot.token(), method, namesAndValues);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.body().get("ok").asBoolean()).isTrue();
        return response.result();
    }

    /** Calls a method that must fail and returns the answer. */
    protected BotApiClient.Response error(String method, Object... namesAndValues) {
        BotApiClient.Response response = api.call(bot.token(), method, namesAndValues);
        assertThat(response.status()).as(response.text()).isNotEqualTo(200);
        assertThat(response.body().get("ok").asBoolean()).isFalse();
        assertThat(response.errorCode()).isEqualTo(response.status());
        return response;
    }
}
