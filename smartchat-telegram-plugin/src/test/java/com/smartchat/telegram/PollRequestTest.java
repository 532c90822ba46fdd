package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

class PollRequestTest {

    private static final String BATCH_WITH_A_NEW_TYPE = "{\"ok\":true,\"result\":["
            + "{\"update_id\":1,\"message\":{\"message_id\":1,\"date\":1,\"chat\":{\"id\":5,\"type\":\"private\"},"
            + "\"text\":\"before\"}},"
            + "{\"update_id\":2,\"some_new_update\":{\"x\":1}},"
            + "{\"update_id\":4,\"message\":{\"message_id\":3,\"date\":3,\"chat\":{\"id\":5,\"type\":\"private\"},"
            + "\"text\":\"forwarded\",\"forward_origin\":{\"type\":\"brand_new_origin\",\"date\":3}}},"
            + "{\"update_id\":3,\"message\":{\"message_id\":2,\"date\":2,\"chat\":{\"id\":5,\"type\":\"private\"},"
            + "\"text\":\"after\"}}]}";

    @Test
    void telegramBotsOwnRequestLosesWhatAnUpdateTypeItDoesNotKnowSaid() throws Exception {
        Update update = new GetUpdates().deserializeResponse(BATCH_WITH_A_NEW_TYPE).get(1);

        assertThat(Json.MAPPER.valueToTree(update).toString()).isEqualTo("{\"update_id\":2}");
    }

    @Test
    void oneUpdateTelegramBotsCannotReadFailsItsWholeBatchButNotThePlugins() throws Exception {
        String batch = "{\"ok\":true,\"result\":["
                + "{\"update_id\":1,\"message\":{\"message_id\":1,\"date\":1,\"chat\":{\"id\":5,"
                + "\"type\":\"private\"},\"text\":\"fine\"}},"
                + "{\"update_id\":2,\"message\":{\"message_id\":2,\"date\":\"yesterday\",\"chat\":{\"id\":5,"
                + "\"type\":\"private\"},\"text\":\"odd\"}}]}";
        assertThatThrownBy(() -> new GetUpdates().deserializeResponse(batch))
                .isInstanceOf(TelegramApiRequestException.class);

        List<Update> updates = new PollRequest(1, 50).deserializeResponse(batch);

        assertThat(updates).extracting(Update::getUpdateId).containsExactly(1, 2);
        PollRequest.RawUpdate odd = (PollRequest.RawUpdate) updates.get(1);
        assertThat(odd.unreadable).isTrue();
        var event = new UpdateMapper(Clock.systemUTC(), "my_bot").map(odd);
        assertThat(event).isInstanceOfSatisfying(com.smartchat.channel.spi.InboundEvent.Unrecognized.class, unknown -> {
            assertThat(unknown.eventId()).isEqualTo("2");
            assertThat(unknown.payload()).contains("yesterday");
        });
    }

    @Test
    void anUpdateBeyondJacksonsDefaultLimitsHidesNoOtherAndOnlyUsableIdsCount() throws Exception {
        String message = "\"message\":{\"message_id\":1,\"date\":1,\"chat\":{\"id\":5,\"type\":\"private\"},"
                + "\"text\":\"fine\"}";
        String batch = "{\"ok\":true,\"result\":["
                + "{\"update_id\":1," + message + "},"
                + "{\"update_id\":2,\"future\":" + "[".repeat(3_000) + "]".repeat(3_000) + "},"
                + "{\"update_id\":3,\"future\":1" + "0".repeat(3_000) + "},"
                + "{" + message + ",\"update_id\":4},"
                + "{" + message + "},"
                + "{\"update_id\":\"6\"," + message + "},"
                + "{\"update_id\":70000000000," + message + "}]}";
        assertThatThrownBy(() -> Json.MAPPER.readTree(batch)).as("Jackson's default limits refuse the whole answer")
                .isInstanceOf(java.io.IOException.class);

        List<Update> updates = new PollRequest(1, 50).deserializeResponse(batch);

        assertThat(updates).hasSize(7);
        List<PollRequest.RawUpdate> raw = updates.stream().map(PollRequest.RawUpdate.class::cast).toList();
        assertThat(raw).extracting(update -> update.idless).containsExactly(false, false, false, false, true, true, true);
        assertThat(raw.subList(0, 4)).extracting(Update::getUpdateId).containsExactly(1, 2, 3, 4);
        assertThat(raw.get(1).kind).isEqualTo("future");
        var mapper = new UpdateMapper(Clock.systemUTC(), "my_bot");
        assertThat(mapper.map(raw.get(1))).isInstanceOfSatisfying(
                com.smartchat.channel.spi.InboundEvent.Unrecognized.class, unknown -> {
                    assertThat(unknown.eventId()).isEqualTo("2");
                    assertThat(unknown.payload()).isEqualTo(raw.get(1).text).startsWith("{\"update_id\":2");
                });
        assertThat(mapper.map(raw.get(3))).isInstanceOf(com.smartchat.channel.spi.InboundEvent.MessageReceived.class)
                .extracting(com.smartchat.channel.spi.InboundEvent::eventId).isEqualTo("4");
    }

    @Test
    void pluginRequestKeepsEveryUpdateWithItsJson() throws Exception {
        PollRequest request = new PollRequest(42, 50);

        List<Update> updates = request.deserializeResponse(BATCH_WITH_A_NEW_TYPE);

        assertThat(updates).extracting(Update::getUpdateId).containsExactly(1, 2, 4, 3);
        assertThat(updates).allSatisfy(update -> assertThat(update).isInstanceOf(PollRequest.RawUpdate.class));
        JsonNode json = ((PollRequest.RawUpdate) updates.get(1)).json;
        assertThat(json.has("some_new_update")).isTrue();
        var mapper = new UpdateMapper(Clock.systemUTC(), "my_bot");
        assertThat(mapper.map((PollRequest.RawUpdate) updates.get(1))).hasFieldOrPropertyWithValue("type", "some_new_update");
    }

    @Test
    void requestAsksFromTheAcknowledgedOffsetForTheKindsThePluginHandles() throws Exception {
        String body = Json.MAPPER.writeValueAsString(new PollRequest(43, 50));

        assertThat(Json.MAPPER.readTree(body)).isEqualTo(Json.MAPPER.readTree(
                "{\"method\":\"getupdates\",\"offset\":43,\"limit\":100,\"timeout\":50,\"allowed_updates\":"
                        + "[\"message\",\"edited_message\",\"channel_post\",\"edited_channel_post\",\"callback_query\","
                        + "\"my_chat_member\"]}"));
        assertThat(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(new PollRequest(null, 50)))
                .has("offset")).as("no offset before the first acknowledgement").isFalse();
    }

    @Test
    void errorAnswerKeepsTelegramsCodeAndParameters() {
        assertThatThrownBy(() -> new PollRequest(1, 50).deserializeResponse(
                "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 3\","
                        + "\"parameters\":{\"retry_after\":3}}"))
                .isInstanceOfSatisfying(TelegramApiRequestException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(429);
                    assertThat(e.getParameters().getRetryAfter()).isEqualTo(3);
                });
    }

    @Test
    void commandForAnotherBotIsNotOurs() {
        var mapper = new UpdateMapper(Clock.systemUTC(), "my_bot");
        assertThat(mapper.command("/help@other_bot")).isNull();
        assertThat(mapper.command("/help@My_Bot now")).isEqualTo(
                new com.smartchat.channel.spi.InboundEvent.Command("help", "now"));
    }
}
