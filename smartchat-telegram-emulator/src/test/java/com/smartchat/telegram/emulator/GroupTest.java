package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class GroupTest extends EmulatorTestBase {

    private EmulatedUser bob;
    private EmulatedGroup team;

    @BeforeEach
    void createTeam() {
        bob = telegram.createUser("Bob", "bob", "de");
        team = telegram.createGroup("Team", bot, alice, bob);
    }

    @Test
    void creatingAGroupSendsMyChatMemberAndTheServiceMessage() {
        JsonNode updates = ok("getUpdates");

        assertThat(updates).hasSize(2);
        JsonNode membership = updates.get(0).get("my_chat_member");
        assertThat(membership.at("/chat/id").asLong()).isEqualTo(team.id()).isLessThan(Integer.MIN_VALUE);
        assertThat(membership.at("/chat/type").asString()).isEqualTo("group");
        assertThat(membership.at("/old_chat_member/status").asString()).isEqualTo("left");
        assertThat(membership.at("/new_chat_member/status").asString()).isEqualTo("member");
        assertThat(updates.get(1).at("/message/group_chat_created").asBoolean()).isTrue();
        assertThat(updates.get(1).at("/message/chat/title").asString()).isEqualTo("Team");
    }

    @Test
    void privacyModeLimitsWhatABotSees() {
        EmulatedBot reader = telegram.newBot("Reader", "reader_bot").canReadAllGroupMessages(true).create();
        team.addBot(reader);
        drain(bot.token());
        drain(reader.token());
        int botMessage = ok("sendMessage", "chat_id", team.id(), "text", "I am the bot").get("message_id").asInt();

        team.send(alice, "just chatting");
        team.send(bob, "/help");
        team.send(bob, "/stats@reader_bot");
        team.send(alice, "hey @support_bot, a question");
        team.reply(bob, botMessage, "answering the bot");

        assertThat(texts(drain(bot.token()))).containsExactly("/help", "hey @support_bot, a question",
                "answering the bot");
        assertThat(texts(drain(reader.token()))).containsExactly("just chatting", "/help", "/stats@reader_bot",
                "hey @support_bot, a question", "answering the bot");
    }

    @Test
    void botsThatCannotJoinGroupsAreRefused() {
        EmulatedBot loner = telegram.newBot("Loner", "loner_bot").canJoinGroups(false).create();

        assertThatThrownBy(() -> team.addBot(loner)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void migrationAnswers400WithTheSupergroupIdAsA64BitNumber() {
        long oldId = team.id();

        long newId = team.migrateToSupergroup();

        BotApiClient.Response refused = error("sendMessage", "chat_id", oldId, "text", "hello?");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.description()).isEqualTo("Bad Request: group chat was upgraded to a supergroup chat");
        assertThat(refused.body().at("/parameters/migrate_to_chat_id").isIntegralNumber()).isTrue();
        assertThat(refused.body().at("/parameters/migrate_to_chat_id").asLong()).isEqualTo(newId);
        assertThat(refused.text()).contains("\"migrate_to_chat_id\":" + newId);
        assertThat(Long.toString(newId)).matches("-100\\d{10}");
        assertThat(team.id()).isEqualTo(newId);
        assertThat(team.formerId()).isEqualTo(oldId);
        assertThat(team.isSupergroup()).isTrue();

        JsonNode sent = ok("sendMessage", "chat_id", newId, "text", "hello supergroup");
        assertThat(sent.at("/chat/type").asString()).isEqualTo("supergroup");
        assertThat(telegram.sentTo(team, bot)).extracting(SentMessage::chatId).containsExactly(newId);
    }

    @Test
    void migrationSendsBothServiceMessages() {
        long oldId = team.id();
        drain(bot.token());

        long newId = team.migrateToSupergroup();

        JsonNode updates = drain(bot.token());
        assertThat(updates).hasSize(2);
        assertThat(updates.get(0).at("/message/chat/id").asLong()).isEqualTo(oldId);
        assertThat(updates.get(0).at("/message/migrate_to_chat_id").asLong()).isEqualTo(newId);
        assertThat(updates.get(1).at("/message/chat/id").asLong()).isEqualTo(newId);
        assertThat(updates.get(1).at("/message/chat/type").asString()).isEqualTo("supergroup");
        assertThat(updates.get(1).at("/message/migrate_from_chat_id").asLong()).isEqualTo(oldId);
    }

    @Test
    void aRemovedBotIsKickedAndGets403() {
        drain(bot.token());

        team.removeBot(bot);

        JsonNode kicked = drain(bot.token()).get(0).get("my_chat_member");
        assertThat(kicked.at("/new_chat_member/status").asString()).isEqualTo("kicked");
        BotApiClient.Response refused = error("sendMessage", "chat_id", team.id(), "text", "still here?");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.description()).isEqualTo("Forbidden: bot was kicked from the group chat");
        team.send(alice, "/help");
        assertThat(drain(bot.token())).isEmpty();
    }

    @Test
    void aKickedBotIsToldAboutTheSupergroupAfterMigration() {
        team.migrateToSupergroup();
        team.removeBot(bot);

        assertThat(error("sendMessage", "chat_id", team.id(), "text", "x").description())
                .isEqualTo("Forbidden: bot was kicked from the supergroup chat");
    }

    @Test
    void getChatDescribesTheGroup() {
        JsonNode chat = ok("getChat", "chat_id", team.id());

        assertThat(chat.get("id").asLong()).isEqualTo(team.id());
        assertThat(chat.get("type").asString()).isEqualTo("group");
        assertThat(chat.get("title").asString()).isEqualTo("Team");
    }

    @Test
    void aBotCannotDeleteWhatOthersWroteInAGroup() {
        EmulatedBot reader = telegram.newBot("Reader", "reader_bot").canReadAllGroupMessages(true).create();
        team.addBot(reader);
        int message = team.send(alice, "mine").messageId();

        assertThat(error("deleteMessage", "chat_id", team.id(), "message_id", message).description())
                .isEqualTo("Bad Request: message can't be deleted for everyone");
    }

    @Test
    void buttonsWorkInGroupsAndRepliesAreAwaited() {
        int poll = ok("sendMessage", "chat_id", team.id(), "text", "Lunch?", "reply_markup",
                Map.of("inline_keyboard", List.of(List.of(Map.of("text", "Yes", "callback_data", "yes")))))
                .get("message_id").asInt();
        drain(bot.token());

        ButtonPress press = team.pressButton(bob, bot, poll, "yes");

        JsonNode query = drain(bot.token()).get(0).get("callback_query");
        assertThat(query.at("/from/id").asLong()).isEqualTo(bob.id());
        assertThat(query.at("/message/chat/id").asLong()).isEqualTo(team.id());
        assertThat(query.get("id").asString()).isEqualTo(press.id());
        assertThat(telegram.awaitSent(team, bot, 1, Duration.ofSeconds(30))).hasSize(1);
    }

    /** Reads every pending update of a bot and confirms them. */
    private JsonNode drain(String token) {
        JsonNode updates = api.call(token, "getUpdates").result();
        if (!updates.isEmpty()) {
            api.call(token, "getUpdates", "offset", updates.get(updates.size() - 1).get("update_id").asLong() + 1);
        }
        return updates;
    }

    private static List<String> texts(JsonNode updates) {
        List<String> texts = new ArrayList<>();
        updates.forEach(update -> texts.add(update.at("/message/text").asString()));
        return texts;
    }
}
