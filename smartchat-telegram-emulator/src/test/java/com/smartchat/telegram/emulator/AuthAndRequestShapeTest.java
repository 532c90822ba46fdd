package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class AuthAndRequestShapeTest extends EmulatorTestBase {

    @Test
    void unknownTokenIsUnauthorized() {
        BotApiClient.Response response = api.call(bot.id() + ":AAwrongwrongwrongwrongwrongwrongwro", "getMe");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.text()).isEqualTo("{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
    }

    @Test
    void malformedTokenIsAnInvalidToken() {
        BotApiClient.Response response = api.call("not-a-token", "getMe");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.description()).isEqualTo("Unauthorized: invalid token specified");
    }

    @Test
    void tokensHaveTelegramsShape() {
        assertThat(bot.token()).matches(bot.id() + ":[A-Za-z0-9_-]{35}");
        assertThat(bot.link()).isEqualTo("https://t.me/support_bot");
    }

    @Test
    void revokedTokenIsUnauthorizedAtOnce() {
        String token = bot.token();
        assertThat(api.call(token, "getMe").status()).isEqualTo(200);

        telegram.revokeToken(bot);

        assertThat(api.call(token, "getMe").status()).isEqualTo(401);
    }

    @Test
    void rotatedTokenReplacesTheOldOneForTheSameBot() {
        String oldToken = bot.token();

        String newToken = telegram.rotateToken(bot);

        assertThat(newToken).isNotEqualTo(oldToken).startsWith(bot.id() + ":");
        assertThat(bot.token()).isEqualTo(newToken);
        assertThat(api.call(oldToken, "getMe").status()).isEqualTo(401);
        assertThat(api.call(newToken, "getMe").result().get("id").asLong()).isEqualTo(bot.id());
    }

    @Test
    void deletedBotIsUnauthorized() {
        telegram.deleteBot(bot);

        assertThat(api.call(bot.token(), "getMe").status()).isEqualTo(401);
    }

    @Test
    void getMeDescribesTheBot() {
        EmulatedBot reader = telegram.newBot("Reader", "ReaderBot")
                .canJoinGroups(false).canReadAllGroupMessages(true).supportsInlineQueries(true).create();

        JsonNode me = api.call(reader.token(), "getMe").result();

        assertThat(me.get("id").asLong()).isEqualTo(reader.id());
        assertThat(me.get("is_bot").asBoolean()).isTrue();
        assertThat(me.get("first_name").asString()).isEqualTo("Reader");
        assertThat(me.get("username").asString()).isEqualTo("ReaderBot");
        assertThat(me.get("can_join_groups").asBoolean()).isFalse();
        assertThat(me.get("can_read_all_group_messages").asBoolean()).isTrue();
        assertThat(me.get("supports_inline_queries").asBoolean()).isTrue();
    }

    @Test
    void defaultBotSettingsAreBotFathers() {
        JsonNode me = ok("getMe");

        assertThat(me.get("can_join_groups").asBoolean()).isTrue();
        assertThat(me.get("can_read_all_group_messages").asBoolean()).isFalse();
        assertThat(me.get("supports_inline_queries").asBoolean()).isFalse();
    }

    @Test
    void unknownMethodIsNotFound() {
        BotApiClient.Response response = api.call(bot.token(), "sendTelepathy");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.text()).isEqualTo("{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}");
    }

    @Test
    void pathsOfAnotherShapeAreNotFound() {
        assertThat(api.get("/").status()).isEqualTo(404);
        assertThat(api.get("/bot" + bot.token()).status()).isEqualTo(404);
        assertThat(api.get("/bot" + bot.token() + "/").status()).isEqualTo(404);
    }

    @Test
    void methodNamesAreCaseInsensitive() {
        assertThat(api.call(bot.token(), "getme").status()).isEqualTo(200);
        assertThat(api.call(bot.token(), "GETME").status()).isEqualTo(200);
        assertThat(api.call(bot.token(), "getMe").status()).isEqualTo(200);
        assertThat(telegram.requestCount("getMe")).isEqualTo(3);
    }

    @Test
    void testEnvironmentPathWorksTheSame() {
        BotApiClient.Response response = api.get("/bot" + bot.token() + "/test/getMe");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.result().get("username").asString()).isEqualTo("support_bot");
    }

    @Test
    void plainGetWithQueryStringWorks() {
        alice.start(bot);

        BotApiClient.Response response = api.get("/bot" + bot.token() + "/sendMessage?chat_id=" + alice.id()
                + "&text=hello%20there");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.result().get("text").asString()).isEqualTo("hello there");
    }

    @Test
    void formBodyWorks() {
        alice.start(bot);

        BotApiClient.Response response = api.form(bot.token(), "sendMessage", Map.of(
                "chat_id", Long.toString(alice.id()), "text", "from a form",
                "reply_markup", "{\"inline_keyboard\":[[{\"text\":\"OK\",\"callback_data\":\"ok\"}]]}"));

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.result().get("text").asString()).isEqualTo("from a form");
        assertThat(response.result().at("/reply_markup/inline_keyboard/0/0/callback_data").asString())
                .isEqualTo("ok");
    }

    @Test
    void jsonBodyAcceptsChatIdAsStringLikeTelegramBotsSendsIt() {
        alice.start(bot);

        JsonNode message = ok("sendmessage", "chat_id", Long.toString(alice.id()), "text", "hi",
                "method", "sendmessage");

        assertThat(message.at("/chat/id").asLong()).isEqualTo(alice.id());
    }

    @Test
    void multipartBodyWithFileIsAccepted() {
        alice.start(bot);
        byte[] picture = "not really a jpeg".getBytes(StandardCharsets.UTF_8);

        BotApiClient.Response response = api.multipart(bot.token(), "sendphoto",
                Map.of("chat_id", Long.toString(alice.id()), "photo", "attach://cat.jpg", "caption", "a cat"),
                "cat.jpg", "cat.jpg", picture);

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.result().get("caption").asString()).isEqualTo("a cat");
        assertThat(response.result().at("/photo/0/file_size").asLong()).isEqualTo(picture.length);
    }

    @Test
    void invalidJsonBodyIsABadRequest() {
        BotApiClient.Response response = api.raw(bot.token(), "getMe", "application/json", "{not json");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.description()).isEqualTo("Bad Request: can't parse JSON object");
    }

    @Test
    void logOutAndCloseAnswerTrue() {
        assertThat(ok("logOut").asBoolean()).isTrue();
        assertThat(ok("close").asBoolean()).isTrue();
    }
}
