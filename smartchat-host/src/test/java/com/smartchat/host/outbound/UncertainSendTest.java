package com.smartchat.host.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.InProcessHost;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A send that Telegram carries out but answers too late for the host (here: later than the host's send timeout) may
 * or may not have been delivered, as far as the host can know: it is never sent again by itself. The greeting stays
 * uncertain; a reply waits for an agent's decision, shown in the transcript and counted in the metrics, and is sent
 * again only when the agent asks for it. The same when the connection is lost after Telegram carried a send out.
 */
class UncertainSendTest {

    private static final String GREETING = "Hello! An agent will be with you shortly.";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Longer than the host's send timeout (1 s here), so that the host stops waiting; Telegram still sends. */
    private static final Duration SLOW_ANSWER = Duration.ofSeconds(3);

    @TempDir
    Path dataDir;
    BotApiEmulator telegram;
    ConfigurableApplicationContext host;
    ApiClient api;

    @BeforeEach
    void start() {
        telegram = BotApiEmulator.start();
        host = InProcessHost.start(telegram, dataDir,
                "smartchat.outbound.send-timeout=1s",
                "smartchat.outbound.retry-delay=100ms");
        api = ApiClient.admin(InProcessHost.port(host));
    }

    @AfterEach
    void stop() {
        host.close();
        telegram.close();
    }

    @Test
    void aSendAnsweredTooLateIsUncertainAndOnlyAnAgentSendsItAgain() {
        EmulatedBot bot = telegram.createBot("Slow Support", "slow_support_bot");
        EmulatedUser alice = telegram.createUser("Alice");
        String space = "/api/spaces/" + api.post("/api/spaces", Map.of("name", "Slow")).body().get("id").asString();
        Response created = api.post(space + "/channels", Map.of("provider", "telegram", "settings",
                Map.of("name", "Slow support", "greeting", GREETING, "token", bot.token())));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String channel = space + "/channels/" + created.body().get("id").asString();
        await().atMost(WAIT).until(() -> api.get(channel).body().get("state").asString().equals("RUNNING"));

        // the greeting: Telegram takes it, answers late; the host marks it uncertain and does not greet again
        telegram.faults().latency("sendMessage", SLOW_ANSWER);
        alice.send(bot, "hello");
        await().atMost(WAIT).until(() -> api.get(channel + "/conversations").body().size() == 1);
        String conversation = channel + "/conversations/"
                + api.get(channel + "/conversations").body().get(0).get("id").asString();
        JsonNode greeting = awaitStatus(conversation, GREETING, "UNCERTAIN");
        assertThat(greeting.get("failureReason").asString()).contains("did not answer");
        await().atMost(WAIT).until(() -> delivered(alice, bot, GREETING) == 1);

        // a reply, the same way: uncertain, delivered once, and waiting for an agent
        Response reply = api.post(conversation + "/messages", Map.of("text", "Did this reach you?"));
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String replyId = reply.body().get("id").asString();
        awaitStatus(conversation, "Did this reach you?", "UNCERTAIN");
        await().atMost(WAIT).until(() -> delivered(alice, bot, "Did this reach you?") == 1);
        assertThat(metric("smartchat.outbound.uncertain")).isEqualTo(2.0);
        assertThat(metric("smartchat.outbound.uncertain.waiting")).isEqualTo(2.0);

        // Telegram answers in time again: later replies are sent once, and the uncertain ones were not repeated
        telegram.faults().clear();
        Response later = api.post(conversation + "/messages", Map.of("text", "Later reply"));
        awaitStatus(conversation, "Later reply", "SENT");
        alice.send(bot, "still here");
        await().atMost(WAIT).until(() -> texts(conversation).contains("still here"));
        assertThat(delivered(alice, bot, GREETING)).isEqualTo(1);
        assertThat(delivered(alice, bot, "Did this reach you?")).isEqualTo(1);
        assertThat(delivered(alice, bot, "Later reply")).isEqualTo(1);

        // the connection is lost after Telegram carried a send out: the plugin says so, and it is not repeated
        telegram.faults().loseNextAnswers("sendMessage", 1);
        api.post(conversation + "/messages", Map.of("text", "Answer lost"));
        JsonNode lost = awaitStatus(conversation, "Answer lost", "UNCERTAIN");
        assertThat(lost.get("failureReason").asString()).contains("Telegram may have delivered the message");
        await().atMost(WAIT).until(() -> delivered(alice, bot, "Answer lost") == 1);

        // sending again is for uncertain messages only, in their own conversation
        Response sentOne = api.post(conversation + "/messages/" + later.body().get("id").asString() + "/retry", null);
        assertThat(sentOne.status()).as(sentOne.text()).isEqualTo(409);
        assertThat(sentOne.body().get("detail").asString()).contains("uncertain").contains("SENT");
        assertThat(api.post(conversation + "/messages/" + UUID.randomUUID() + "/retry", null).status()).isEqualTo(404);

        // the agent decides the reply did not arrive: it goes once more, and then it is certain
        Response again = api.post(conversation + "/messages/" + replyId + "/retry", null);
        assertThat(again.status()).as(again.text()).isEqualTo(202);
        assertThat(again.body().get("status").asString()).isEqualTo("QUEUED");
        awaitStatus(conversation, "Did this reach you?", "SENT");
        await().atMost(WAIT).until(() -> delivered(alice, bot, "Did this reach you?") == 2);
        assertThat(api.post(conversation + "/messages/" + replyId + "/retry", null).status()).isEqualTo(409);
        assertThat(metric("smartchat.outbound.uncertain.waiting")).isEqualTo(2.0); // the greeting, "Answer lost"
        assertThat(delivered(alice, bot, GREETING)).isEqualTo(1);
        assertThat(delivered(alice, bot, "Answer lost")).isEqualTo(1);
    }

    private JsonNode awaitStatus(String conversation, String text, String status) {
        await().atMost(WAIT).until(() -> message(conversation, text) != null
                && message(conversation, text).get("status").asString().equals(status));
        return message(conversation, text);
    }

    private JsonNode message(String conversation, String text) {
        for (JsonNode message : api.get(conversation + "/messages").body()) {
            if (text.equals(message.get("text").asString())) {
                return message;
            }
        }
        return null;
    }

    private List<String> texts(String conversation) {
        return api.get(conversation + "/messages").body().valueStream().map(m -> m.get("text").asString()).toList();
    }

    private long delivered(EmulatedUser user, EmulatedBot bot, String text) {
        return telegram.sentTo(user, bot).stream().filter(sent -> text.equals(sent.text())).count();
    }

    private double metric(String name) {
        Response response = api.get("/actuator/metrics/" + name);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        double total = 0;
        for (JsonNode measurement : response.body().get("measurements")) {
            total += measurement.get("value").asDouble();
        }
        return total;
    }
}
