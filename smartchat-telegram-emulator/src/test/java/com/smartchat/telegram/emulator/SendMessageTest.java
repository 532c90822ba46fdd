package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class SendMessageTest extends EmulatorTestBase {

    @BeforeEach
    void aliceStartsTheBot() {
        alice.start(bot);
    }

    @Test
    void sendMessageReturnsTheMessage() {
        JsonNode first = ok("sendMessage", "chat_id", alice.id(), "text", "Hello Alice");
        JsonNode second = ok("sendMessage", "chat_id", alice.id(), "text", "Again");

        assertThat(first.get("text").asString()).isEqualTo("Hello Alice");
        assertThat(first.at("/chat/id").asLong()).isEqualTo(alice.id());
        assertThat(first.at("/chat/type").asString()).isEqualTo("private");
        assertThat(first.at("/from/id").asLong()).isEqualTo(bot.id());
        assertThat(first.at("/from/is_bot").asBoolean()).isTrue();
        assertThat(first.get("date").asLong()).isCloseTo(System.currentTimeMillis() / 1000,
                org.assertj.core.data.Offset.offset(5L));
        assertThat(second.get("message_id").asInt()).isGreaterThan(first.get("message_id").asInt());
        assertThat(telegram.sentTo(alice, bot)).extracting(SentMessage::text).containsExactly("Hello Alice", "Again");
    }

    @Test
    void emptyTextIsRejected() {
        BotApiClient.Response response = error("sendMessage", "chat_id", alice.id(), "text", "");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.description()).isEqualTo("Bad Request: message text is empty");
        assertThat(error("sendMessage", "chat_id", alice.id()).description())
                .isEqualTo("Bad Request: message text is empty");
    }

    @Test
    void textOver4096CharactersIsTooLong() {
        assertThat(ok("sendMessage", "chat_id", alice.id(), "text", "x".repeat(4096)).get("text").asString())
                .hasSize(4096);

        BotApiClient.Response response = error("sendMessage", "chat_id", alice.id(), "text", "x".repeat(4097));

        assertThat(response.description()).isEqualTo("Bad Request: message is too long");
    }

    @Test
    void lengthCountsTheTextAfterEntityParsing() {
        String bold = "*" + "x".repeat(4096) + "*";

        JsonNode message = ok("sendMessage", "chat_id", alice.id(), "text", bold, "parse_mode", "MarkdownV2");

        assertThat(message.get("text").asString()).hasSize(4096);
    }

    @Test
    void unknownChatIsNotFound() {
        EmulatedUser stranger = telegram.createUser("Stranger");

        assertThat(error("sendMessage", "chat_id", 123456789, "text", "hi").description())
                .isEqualTo("Bad Request: chat not found");
        assertThat(error("sendMessage", "chat_id", stranger.id(), "text", "hi").description())
                .isEqualTo("Bad Request: chat not found");
        assertThat(error("sendMessage", "text", "hi").description()).isEqualTo("Bad Request: chat_id is empty");
    }

    @Test
    void aUserKnownOnlyFromAGroupCannotBeWrittenFirst() {
        EmulatedUser bob = telegram.createUser("Bob", "bob", "de");
        telegram.createGroup("Team", bot, alice, bob);

        BotApiClient.Response response = error("sendMessage", "chat_id", bob.id(), "text", "hi");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.description()).isEqualTo("Forbidden: bot can't initiate conversation with a user");
    }

    @Test
    void markdownV2WithUnescapedReservedCharacterIsRejected() {
        BotApiClient.Response response = error("sendMessage", "chat_id", alice.id(), "text", "Version 1.0",
                "parse_mode", "MarkdownV2");

        assertThat(response.description()).isEqualTo(
                "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'");
    }

    @Test
    void markdownV2WithUnclosedEntityIsRejected() {
        assertThat(error("sendMessage", "chat_id", alice.id(), "text", "a *bold start", "parse_mode", "MarkdownV2")
                .description()).isEqualTo("Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 2");
    }

    @Test
    void parseErrorsComeBeforeTheChatCheckLikeTelegram() {
        assertThat(error("sendMessage", "chat_id", 999, "text", "1.0", "parse_mode", "MarkdownV2").description())
                .startsWith("Bad Request: can't parse entities");
    }

    @Test
    void markdownV2IsParsedIntoEntities() {
        JsonNode message = ok("sendMessage", "chat_id", alice.id(), "parse_mode", "MarkdownV2",
                "text", "*Hi* _there_, see [docs](https://example.org/a) v1\\.0 `x\\_y`");

        assertThat(message.get("text").asString()).isEqualTo("Hi there, see docs v1.0 x\\_y");
        assertThat(message.get("entities")).extracting(e -> e.get("type").asString())
                .containsExactly("bold", "italic", "text_link", "code");
        assertThat(message.at("/entities/2/url").asString()).isEqualTo("https://example.org/a");
        assertThat(message.at("/entities/2/offset").asInt()).isEqualTo(14);
    }

    @Test
    void htmlWithUnknownOrUnclosedTagsIsRejected() {
        assertThat(error("sendMessage", "chat_id", alice.id(), "text", "<blink>hi</blink>", "parse_mode", "HTML")
                .description()).isEqualTo("Bad Request: can't parse entities: Unsupported start tag \"blink\" at byte offset 0");
        assertThat(error("sendMessage", "chat_id", alice.id(), "text", "<b>bold", "parse_mode", "HTML")
                .description()).isEqualTo(
                        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"");
        assertThat(error("sendMessage", "chat_id", alice.id(), "text", "<b><i>x</b></i>", "parse_mode", "html")
                .description()).isEqualTo("Bad Request: can't parse entities: Unmatched end tag at byte offset 7,"
                        + " expected \"</i>\", found \"</b>\"");
    }

    @Test
    void htmlIsParsedIntoEntities() {
        JsonNode message = ok("sendMessage", "chat_id", alice.id(), "parse_mode", "HTML",
                "text", "<b>Bold</b> &amp; <a href=\"https://example.org\">link</a> 1 &lt; 2");

        assertThat(message.get("text").asString()).isEqualTo("Bold & link 1 < 2");
        assertThat(message.get("entities")).extracting(e -> e.get("type").asString())
                .containsExactly("bold", "text_link");
    }

    @Test
    void unsupportedParseModeIsRejected() {
        assertThat(error("sendMessage", "chat_id", alice.id(), "text", "x", "parse_mode", "BBCode").description())
                .isEqualTo("Bad Request: unsupported parse_mode");
    }

    @Test
    void inlineKeyboardIsEchoedAndRecorded() {
        JsonNode markup = BotApiClient.JSON.readTree("{\"inline_keyboard\":[[{\"text\":\"Yes\",\"callback_data\":\"y\"},"
                + "{\"text\":\"Docs\",\"url\":\"https://example.org\"}]]}");

        JsonNode message = ok("sendMessage", "chat_id", alice.id(), "text", "Sure?", "reply_markup", markup);

        assertThat(message.get("reply_markup")).isEqualTo(markup);
        assertThat(telegram.sentTo(alice, bot).getFirst().buttons()).containsExactly(
                new SentMessage.Button("Yes", "y", null), new SentMessage.Button("Docs", null, "https://example.org"));
    }

    @Test
    void replyKeyboardAndRemovalAreAcceptedButNotEchoed() {
        JsonNode keyboard = BotApiClient.JSON.readTree("{\"keyboard\":[[\"Yes\",{\"text\":\"No\"}]],\"resize_keyboard\":true}");

        JsonNode shown = ok("sendMessage", "chat_id", alice.id(), "text", "Choose", "reply_markup", keyboard);
        JsonNode removed = ok("sendMessage", "chat_id", alice.id(), "text", "Thanks", "reply_markup",
                Map.of("remove_keyboard", true));

        assertThat(shown.has("reply_markup")).isFalse();
        assertThat(removed.has("reply_markup")).isFalse();
        assertThat(telegram.sentTo(alice, bot).getFirst().buttons()).extracting(SentMessage.Button::text)
                .containsExactly("Yes", "No");
    }

    @Test
    void invalidKeyboardsAreRejected() {
        assertThat(error("sendMessage", "chat_id", alice.id(), "text", "x", "reply_markup",
                Map.of("inline_keyboard", List.of(List.of(Map.of("text", "plain")))))
                .description()).isEqualTo(
                        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
        assertThat(error("sendMessage", "chat_id", alice.id(), "text", "x", "reply_markup",
                Map.of("inline_keyboard", List.of(List.of(Map.of("text", "big", "callback_data", "x".repeat(65))))))
                .description()).isEqualTo("Bad Request: BUTTON_DATA_INVALID");
        assertThat(error("sendMessage", "chat_id", alice.id(), "text", "x", "reply_markup", "{oops")
                .description()).isEqualTo("Bad Request: can't parse reply keyboard markup JSON object");
    }

    @Test
    void repliesQuoteTheOriginalMessage() {
        UserMessage question = alice.send(bot, "What time is it?");

        JsonNode viaParameters = ok("sendMessage", "chat_id", alice.id(), "text", "Noon",
                "reply_parameters", Map.of("message_id", question.messageId()));
        JsonNode viaOldField = ok("sendMessage", "chat_id", alice.id(), "text", "Still noon",
                "reply_to_message_id", question.messageId(), "disable_notification", true,
                "link_preview_options", Map.of("is_disabled", true));

        assertThat(viaParameters.at("/reply_to_message/text").asString()).isEqualTo("What time is it?");
        assertThat(viaOldField.at("/reply_to_message/message_id").asInt()).isEqualTo(question.messageId());
        assertThat(viaOldField.at("/link_preview_options/is_disabled").asBoolean()).isTrue();
        SentMessage recorded = telegram.sentTo(alice, bot).get(1);
        assertThat(recorded.replyToMessageId()).isEqualTo(question.messageId());
        assertThat(recorded.silent()).isTrue();
        assertThat(error("sendMessage", "chat_id", alice.id(), "text", "?", "reply_to_message_id", 9999)
                .description()).isEqualTo("Bad Request: message to be replied not found");
    }

    @Test
    void blockedUserAnswers403UntilUnblocked() {
        alice.block(bot);

        BotApiClient.Response response = error("sendMessage", "chat_id", alice.id(), "text", "hello?");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.description()).isEqualTo("Forbidden: bot was blocked by the user");
        alice.unblock(bot);
        ok("sendMessage", "chat_id", alice.id(), "text", "welcome back");
    }

    @Test
    void blockingAndUnblockingSendMyChatMemberUpdates() {
        alice.block(bot);
        alice.unblock(bot);

        JsonNode updates = ok("getUpdates", "offset", -2);

        assertThat(updates.get(0).at("/my_chat_member/old_chat_member/status").asString()).isEqualTo("member");
        assertThat(updates.get(0).at("/my_chat_member/new_chat_member/status").asString()).isEqualTo("kicked");
        assertThat(updates.get(0).at("/my_chat_member/new_chat_member/user/id").asLong()).isEqualTo(bot.id());
        assertThat(updates.get(1).at("/my_chat_member/new_chat_member/status").asString()).isEqualTo("member");
        assertThat(updates.get(1).at("/my_chat_member/from/id").asLong()).isEqualTo(alice.id());
    }

    @Test
    void editMessageTextChangesTheBotsMessage() {
        int id = ok("sendMessage", "chat_id", alice.id(), "text", "Working…", "reply_markup",
                Map.of("inline_keyboard", List.of(List.of(Map.of("text", "Stop", "callback_data", "stop")))))
                .get("message_id").asInt();

        JsonNode edited = ok("editMessageText", "chat_id", alice.id(), "message_id", id, "text", "Done");

        assertThat(edited.get("text").asString()).isEqualTo("Done");
        assertThat(edited.has("edit_date")).isTrue();
        assertThat(edited.has("reply_markup")).as("editing without reply_markup removes the keyboard").isFalse();
        assertThat(error("editMessageText", "chat_id", alice.id(), "message_id", id, "text", "Done").description())
                .startsWith("Bad Request: message is not modified");
        assertThat(error("editMessageText", "chat_id", alice.id(), "message_id", 999, "text", "x").description())
                .isEqualTo("Bad Request: message to edit not found");
        int alices = alice.send(bot, "mine").messageId();
        assertThat(error("editMessageText", "chat_id", alice.id(), "message_id", alices, "text", "x").description())
                .isEqualTo("Bad Request: message can't be edited");
        assertThat(telegram.sentTo(alice, bot)).extracting(SentMessage::action)
                .containsExactly(SentMessage.Action.SENT, SentMessage.Action.EDITED);
    }

    @Test
    void deleteMessageRemovesIt() {
        int id = ok("sendMessage", "chat_id", alice.id(), "text", "oops").get("message_id").asInt();

        assertThat(ok("deleteMessage", "chat_id", alice.id(), "message_id", id).asBoolean()).isTrue();

        assertThat(error("deleteMessage", "chat_id", alice.id(), "message_id", id).description())
                .isEqualTo("Bad Request: message to delete not found");
        assertThat(telegram.sentTo(alice, bot).getLast().action()).isEqualTo(SentMessage.Action.DELETED);
    }

    @Test
    void buttonPressesArriveAsCallbackQueriesAndCanBeAnswered() {
        int id = ok("sendMessage", "chat_id", alice.id(), "text", "Pick", "reply_markup",
                Map.of("inline_keyboard", List.of(List.of(Map.of("text", "A", "callback_data", "pick:a")))))
                .get("message_id").asInt();

        ButtonPress press = alice.pressButton(bot, id, "pick:a");
        JsonNode query = ok("getUpdates", "offset", -1).get(0).get("callback_query");

        assertThat(query.get("id").asString()).isEqualTo(press.id());
        assertThat(query.get("data").asString()).isEqualTo("pick:a");
        assertThat(query.at("/message/message_id").asInt()).isEqualTo(id);
        assertThat(query.at("/from/id").asLong()).isEqualTo(alice.id());
        assertThat(press.answer()).isEmpty();

        ok("answerCallbackQuery", "callback_query_id", press.id(), "text", "Picked A", "show_alert", true);

        assertThat(press.awaitAnswer(Duration.ofSeconds(30))).isEqualTo(new CallbackAnswer("Picked A", true, null));
        assertThat(error("answerCallbackQuery", "callback_query_id", press.id()).description())
                .isEqualTo("Bad Request: query is too old and response timeout expired or query ID is invalid");
    }

    @Test
    void userEditsArriveAsEditedMessages() {
        UserMessage typo = alice.send(bot, "helo");

        alice.edit(bot, typo.messageId(), "hello");

        JsonNode edited = ok("getUpdates", "offset", -1).get(0).get("edited_message");
        assertThat(edited.get("text").asString()).isEqualTo("hello");
        assertThat(edited.get("message_id").asInt()).isEqualTo(typo.messageId());
        assertThat(edited.has("edit_date")).isTrue();
    }

    @Test
    void sendChatActionChecksTheAction() {
        assertThat(ok("sendChatAction", "chat_id", alice.id(), "action", "typing").asBoolean()).isTrue();
        assertThat(error("sendChatAction", "chat_id", alice.id(), "action", "dancing").description())
                .isEqualTo("Bad Request: wrong parameter action in request");
    }

    @Test
    void getChatDescribesThePrivateChat() {
        JsonNode chat = ok("getChat", "chat_id", alice.id());

        assertThat(chat.get("id").asLong()).isEqualTo(alice.id());
        assertThat(chat.get("type").asString()).isEqualTo("private");
        assertThat(chat.get("first_name").asString()).isEqualTo("Alice");
        assertThat(chat.get("username").asString()).isEqualTo("alice");
    }

    @Test
    void commandsAreKeptPerScopeAndLanguage() {
        ok("setMyCommands", "commands", List.of(Map.of("command", "start", "description", "Start over"),
                Map.of("command", "help", "description", "Get help")));
        ok("setMyCommands", "commands", List.of(Map.of("command", "hilfe", "description", "Hilfe")),
                "language_code", "de");

        assertThat(ok("getMyCommands")).extracting(c -> c.get("command").asString()).containsExactly("start", "help");
        assertThat(ok("getMyCommands", "language_code", "de")).hasSize(1);
        assertThat(error("setMyCommands", "commands", List.of(Map.of("command", "Bad Command", "description", "x")))
                .description()).isEqualTo("Bad Request: BOT_COMMAND_INVALID");
        ok("deleteMyCommands");
        assertThat(ok("getMyCommands")).isEmpty();
    }

    @Test
    void listenersSeeWhatBotsSendAsItHappens() {
        List<SentMessage> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (BotApiEmulator.Subscription ignored = telegram.onBotMessage(seen::add)) {
            ok("sendMessage", "chat_id", alice.id(), "text", "observed");
        }
        ok("sendMessage", "chat_id", alice.id(), "text", "not observed");

        assertThat(seen).extracting(SentMessage::text).containsExactly("observed");
        assertThat(seen.getFirst().chatId()).isEqualTo(alice.id());
        assertThat(seen.getFirst().botId()).isEqualTo(bot.id());
    }

    @Test
    void awaitSentFailsWithWhatWasThere() {
        ok("sendMessage", "chat_id", alice.id(), "text", "only one");

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> telegram.awaitSent(alice, bot, 2, Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected 2")
                .hasMessageContaining("only one");
    }
}
