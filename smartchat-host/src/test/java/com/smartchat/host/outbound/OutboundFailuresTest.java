package com.smartchat.host.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.InProcessHost;
import com.smartchat.host.channels.ChannelSupervisor;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.SentMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * How a reply ends when Telegram refuses it, through the real Telegram plugin and the Bot API emulator's faults: a
 * pause asked for with 429 is kept, a blocked member and a bad request are not retried, a transient failure is retried
 * up to the cap, and two dispatchers sharing the queue send each message once and in order. One host serves every scenario, each
 * with members of its own, who wrote to the bot before the scenarios begin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboundFailuresTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MAX_ATTEMPTS = 3;

    @TempDir
    static Path dataDir;
    BotApiEmulator telegram;
    ConfigurableApplicationContext host;
    ApiClient api;
    EmulatedBot bot;
    String channel;
    /** When the emulator delivered each message, by its text (System.nanoTime). */
    final Map<String, Long> deliveredAt = new ConcurrentHashMap<>();
    final Map<EmulatedUser, String> conversations = new ConcurrentHashMap<>();
    EmulatedUser carol;
    EmulatedUser dave;
    EmulatedUser erin;
    EmulatedUser frank;
    List<EmulatedUser> readers;

    @BeforeAll
    void start() {
        telegram = BotApiEmulator.start();
        telegram.onBotMessage(sent -> deliveredAt.putIfAbsent(sent.text(), System.nanoTime()));
        host = InProcessHost.start(telegram, dataDir,
                "smartchat.outbound.retry-delay=100ms",
                "smartchat.outbound.max-retry-delay=200ms",
                "smartchat.outbound.max-attempts=" + MAX_ATTEMPTS,
                "smartchat.outbound.idle-poll=50ms",
                "smartchat.outbound.batch-size=4");
        api = ApiClient.admin(InProcessHost.port(host));
        bot = telegram.createBot("Refused Support", "refused_support_bot");
        carol = telegram.createUser("Carol");
        dave = telegram.createUser("Dave");
        erin = telegram.createUser("Erin");
        frank = telegram.createUser("Frank");
        readers = IntStream.range(0, 8).mapToObj(i -> telegram.createUser("Reader " + i)).toList();
        String space = "/api/spaces/" + api.post("/api/spaces", Map.of("name", "Refusals")).body().get("id").asString();
        // no greeting: each scenario's sends are its replies only
        Response created = api.post(space + "/channels", Map.of("provider", "telegram",
                "settings", Map.of("name", "Refused support", "token", bot.token())));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        channel = space + "/channels/" + created.body().get("id").asString();
        await().atMost(WAIT).until(() -> api.get(channel).body().get("state").asString().equals("RUNNING"));
        List<EmulatedUser> members = new ArrayList<>(List.of(carol, dave, erin, frank));
        members.addAll(readers);
        members.forEach(member -> member.send(bot, "hello from " + member.firstName()));
        for (EmulatedUser member : members) {
            await().atMost(WAIT).until(() -> findConversation(member) != null);
            conversations.put(member, channel + "/conversations/" + findConversation(member));
        }
    }

    @AfterAll
    void stop() {
        if (host != null) {
            host.close();
        }
        telegram.close();
    }

    @Test
    @Order(1)
    void aReplyAnswered429GoesAgainAfterThePauseTelegramAskedForAndTheConversationWaitsWithIt() {
        String conversation = conversations.get(carol);
        long requestsBefore = telegram.requestCount("sendMessage");
        telegram.faults().failNext("sendMessage", 1, 429); // retry_after 1

        long posted = System.nanoTime();
        reply(conversation, "Paused once");
        reply(conversation, "Right behind it");

        // while it waits, the API says why and until when, as the inbox page does
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode waiting = message(conversation, "Paused once");
            return waiting != null && waiting.get("status").asString().equals("QUEUED")
                    && !waiting.path("retryReason").isNull();
        });
        JsonNode waiting = message(conversation, "Paused once");
        assertThat(waiting.get("retryReason").asString()).contains("429");
        assertThat(OffsetDateTime.parse(waiting.get("nextAttemptAt").asString()))
                .isAfter(OffsetDateTime.now().minusSeconds(1)).isBefore(OffsetDateTime.now().plusSeconds(3));
        awaitStatus(conversation, "Right behind it", "SENT");
        assertThat(message(conversation, "Paused once").path("retryReason").isNull()).isTrue();
        assertThat(status(conversation, "Paused once")).isEqualTo("SENT");
        assertThat(telegram.sentTo(carol, bot)).extracting(SentMessage::text)
                .containsExactly("Paused once", "Right behind it");
        // refused once, then both went once each; neither went before Telegram's second was over
        assertThat(telegram.requestCount("sendMessage") - requestsBefore).isEqualTo(3);
        assertThat(Duration.ofNanos(deliveredAt.get("Paused once") - posted)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(Duration.ofNanos(deliveredAt.get("Right behind it") - posted)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(metric("smartchat.outbound", "outcome:rate_limited")).isEqualTo(1.0);
    }

    @Test
    @Order(2)
    void aMemberWhoBlockedTheBotIsMarkedBlockedAndTheReplyFailsWithoutRetries() {
        String conversation = conversations.get(dave);
        assertThat(conversationView(conversation).get("memberBlocked").asBoolean()).isFalse();
        long requestsBefore = telegram.requestCount("sendMessage");
        // Telegram's 403 alone, without the my_chat_member update a real block also sends: what the send learns
        telegram.faults().failNext("sendMessage", 1, 403);

        reply(conversation, "Are you still there?");

        JsonNode failed = awaitStatus(conversation, "Are you still there?", "FAILED");
        assertThat(failed.get("failureKind").asString()).isEqualTo("RECIPIENT_BLOCKED");
        assertThat(failed.get("failureReason").asString()).contains("403");
        assertThat(conversationView(conversation).get("memberBlocked").asBoolean()).isTrue();
        assertThat(queueDepth()).isZero(); // nothing left to retry
        assertThat(telegram.requestCount("sendMessage") - requestsBefore).isEqualTo(1);
        assertThat(telegram.sentTo(dave, bot)).isEmpty();
    }

    @Test
    @Order(3)
    void aBadRequestFailsWithoutRetries() {
        String conversation = conversations.get(erin);
        long requestsBefore = telegram.requestCount("sendMessage");
        telegram.faults().failNext("sendMessage", 1, 400);

        reply(conversation, "Refused as malformed");

        JsonNode failed = awaitStatus(conversation, "Refused as malformed", "FAILED");
        assertThat(failed.get("failureKind").asString()).isEqualTo("INVALID_REQUEST");
        assertThat(failed.get("failureReason").asString()).contains("400");
        assertThat(queueDepth()).isZero();
        assertThat(telegram.requestCount("sendMessage") - requestsBefore).isEqualTo(1);
        assertThat(conversationView(conversation).get("memberBlocked").asBoolean()).isFalse();
    }

    @Test
    @Order(4)
    void telegramsOwnFailuresAreRetriedUpToTheCapThenTheReplyFailsWithTheReason() {
        String conversation = conversations.get(frank);

        // two 502s (nginx's HTML page), then Telegram takes it: sent once, on the third request
        long requestsBefore = telegram.requestCount("sendMessage");
        telegram.faults().failNext("sendMessage", MAX_ATTEMPTS - 1, 502);
        reply(conversation, "Third time lucky");
        awaitStatus(conversation, "Third time lucky", "SENT");
        assertThat(telegram.requestCount("sendMessage") - requestsBefore).isEqualTo(MAX_ATTEMPTS);

        // Telegram's 500 every time: the cap, then FAILED with the reason
        requestsBefore = telegram.requestCount("sendMessage");
        telegram.faults().failNext("sendMessage", MAX_ATTEMPTS, 500);
        reply(conversation, "Never through");
        JsonNode failed = awaitStatus(conversation, "Never through", "FAILED");
        assertThat(failed.get("failureKind").asString()).isEqualTo("TRANSIENT");
        assertThat(failed.get("failureReason").asString()).contains("Telegram had a problem")
                .contains("500").contains("gave up after " + MAX_ATTEMPTS + " attempts");
        assertThat(queueDepth()).isZero();
        assertThat(telegram.requestCount("sendMessage") - requestsBefore).isEqualTo(MAX_ATTEMPTS);
        assertThat(telegram.sentTo(frank, bot)).extracting(SentMessage::text).containsExactly("Third time lucky");
    }

    @Test
    @Order(5)
    void twoDispatchersClaimingTheSameQueueAtOnceSendEachMessageOnceAndInOrder() {
        List<String> conversations = readers.stream().map(this.conversations::get).toList();
        // the host's dispatcher and a second one on the same queue and channels, as a second host's would be, both
        // starting on a full queue that their small batches take several claims to empty
        OutboundDispatcher first = host.getBean(OutboundDispatcher.class);
        OutboundDispatcher second = new OutboundDispatcher(host.getBean(OutboundQueue.class),
                host.getBean(DeliveryRecords.class), host.getBean(ChannelSupervisor.class),
                host.getBean(OutboundProperties.class), host.getBean(Clock.class), host.getBean(MeterRegistry.class),
                host.getBean(ObservationRegistry.class), host.getBean(ReplyFiles.class));
        first.stop();
        try {
            for (int round = 0; round < 3; round++) {
                for (int r = 0; r < readers.size(); r++) {
                    reply(conversations.get(r), "Round " + round + " for reader " + r);
                }
            }
            assertThat(queueDepth()).isEqualTo(3.0 * readers.size());
            first.start();
            second.start();
            for (int r = 0; r < readers.size(); r++) {
                String conversation = conversations.get(r);
                for (int round = 0; round < 3; round++) {
                    awaitStatus(conversation, "Round " + round + " for reader " + r, "SENT");
                }
                assertThat(telegram.sentTo(readers.get(r), bot)).extracting(SentMessage::text)
                        .containsExactly("Round 0 for reader " + r, "Round 1 for reader " + r,
                                "Round 2 for reader " + r);
            }
            assertThat(queueDepth()).isZero();
        } finally {
            second.stop();
            if (!first.isRunning()) {
                first.start();
            }
        }
    }

    private String findConversation(EmulatedUser member) {
        for (JsonNode conversation : api.get(channel + "/conversations").body()) {
            if (member.firstName().equals(conversation.get("memberName").asString())) {
                return conversation.get("id").asString();
            }
        }
        return null;
    }

    private JsonNode conversationView(String conversation) {
        for (JsonNode view : api.get(channel + "/conversations").body()) {
            if (conversation.endsWith("/" + view.get("id").asString())) {
                return view;
            }
        }
        throw new AssertionError("no conversation " + conversation);
    }

    private void reply(String conversation, String text) {
        Response reply = api.post(conversation + "/messages", Map.of("text", text));
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
    }

    private JsonNode awaitStatus(String conversation, String text, String status) {
        await().atMost(WAIT).until(() -> status.equals(status(conversation, text)));
        return message(conversation, text);
    }

    private String status(String conversation, String text) {
        JsonNode message = message(conversation, text);
        return message == null ? null : message.get("status").asString();
    }

    private JsonNode message(String conversation, String text) {
        for (JsonNode message : api.get(conversation + "/messages").body()) {
            if (text.equals(message.get("text").asString())) {
                return message;
            }
        }
        return null;
    }

    private List<String> statuses(String conversation) {
        return api.get(conversation + "/messages").body().valueStream()
                .filter(message -> message.get("direction").asString().equals("OUT"))
                .map(message -> message.get("status").asString()).toList();
    }

    private double queueDepth() {
        return metric("smartchat.outbound.queue.depth", null);
    }

    private double metric(String name, String tag) {
        Response response = api.get("/actuator/metrics/" + name + (tag == null ? "" : "?tag=" + tag));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        double total = 0;
        for (JsonNode measurement : response.body().get("measurements")) {
            total += measurement.get("value").asDouble();
        }
        return total;
    }
}
