package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** What a later emulator takes back from {@link BotApiEmulator#saveState()}: an offline sandbox's restart. */
class SavedStateTest extends EmulatorTestBase {

    @Test
    void botsTokensUsersChatsAndPendingUpdatesGoOnInANewEmulator() {
        EmulatedBot revoked = telegram.createBot("Old Bot", "old_bot");
        telegram.revokeToken(revoked);
        alice.send(bot, "taken");
        JsonNode taken = ok("getUpdates");
        int firstId = taken.get(0).get("update_id").asInt();
        ok("getUpdates", "offset", firstId + 1);
        alice.send(bot, "waiting");
        String saved = telegram.saveState();
        assertThat(saved).contains(bot.token());

        try (BotApiEmulator later = BotApiEmulator.start(options())) {
            later.restoreState(saved);
            BotApiClient laterApi = new BotApiClient(later.baseUrl());
            assertThat(laterApi.call(bot.token(), "getMe").result().get("username").asString()).isEqualTo("support_bot");
            assertThat(laterApi.call(revoked.token(), "getMe").status()).isEqualTo(401);

            // the update not taken is there, with the id it had; the message ids of the chat go on
            JsonNode pending = laterApi.call(bot.token(), "getUpdates").result();
            assertThat(pending).hasSize(1);
            assertThat(pending.get(0).get("update_id").asInt()).isEqualTo(firstId + 1);
            assertThat(pending.get(0).get("message").get("text").asString()).isEqualTo("waiting");
            EmulatedBot sameBot = later.bots().stream().filter(b -> b.id() == bot.id()).findFirst().orElseThrow();
            EmulatedUser sameAlice = later.users().getFirst();
            assertThat(sameAlice.id()).isEqualTo(alice.id());
            assertThat(sameAlice.send(sameBot, "after").messageId()).isEqualTo(3);
            assertThat(laterApi.call(bot.token(), "sendMessage", "chat_id", alice.id(), "text", "hi").status())
                    .isEqualTo(200);

            // new bots and users get new ids; restoring twice is refused
            assertThat(later.createBot("New Bot", "new_bot").id()).isGreaterThan(revoked.id());
            assertThat(later.createUser("Bob").id()).isGreaterThan(alice.id());
            assertThatThrownBy(() -> later.restoreState(saved)).isInstanceOf(IllegalStateException.class);
        }
    }
}
