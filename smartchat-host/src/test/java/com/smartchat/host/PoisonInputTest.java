package com.smartchat.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient.Response;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.EmulatorOptions;
import com.smartchat.telegram.emulator.OddUpdates;
import com.smartchat.telegram.emulator.RateLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The poison suite through the whole host (the Telegram plugin from its jar, the Bot API emulator, the HTTP API):
 * every update kind of the Bot API, updates without a chat, kinds and fields newer than the plugin, odd but valid
 * JSON and updates without a usable {@code update_id}, between good messages and last in a batch, plus one update
 * the host's store refuses every time (a name longer than any column allows), by polling and by webhook. Every
 * update with a usable id is stored once under it, nothing under an id it did not carry, the rest is set aside and
 * shown to platform admins, and the channel keeps receiving and RUNNING.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonInputTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger BOTS = new AtomicInteger();
    /** What the Telegram plugin sets aside an update after; TelegramChannel.ATTEMPTS, not visible from here. */
    private static final int ATTEMPTS = 5;

    @TempDir
    static Path dataDir;
    BotApiEmulator telegram;
    ConfigurableApplicationContext host;
    ApiClient api;
    String space;
    JdbcClient jdbc;

    @BeforeAll
    void startTelegramAndHost() throws IOException {
        // Telegram retries a webhook delivery for a long time; enough quick retries stand in for that here
        telegram = BotApiEmulator.start(EmulatorOptions.defaults().withRateLimits(RateLimits.off())
                .withWebhookRetries(ATTEMPTS + 3, Duration.ofMillis(100)));
        int port = InProcessHost.freePort();
        host = InProcessHost.start(telegram, dataDir, "server.port=" + port,
                "smartchat.public-url=http://localhost:" + port);
        api = ApiClient.admin(port);
        jdbc = JdbcClient.create(host.getBean(javax.sql.DataSource.class));
        space = "/api/spaces/" + api.post("/api/spaces", Map.of("name", "Poison")).body().get("id").asString();
    }

    @AfterAll
    void stopEverything() {
        if (host != null) {
            host.close();
        }
        if (telegram != null) {
            telegram.close();
        }
    }

    @Test
    void pollingChannelStoresEveryGoodUpdateOnceSetsThePoisonAsideAndMovesOn() {
        EmulatedBot bot = bot();
        EmulatedUser alice = telegram.createUser("Alice", "alice", "en");
        Expected expected = queuePoison(bot, alice); // before the channel polls: one batch, an update without id last
        String channel = createChannel(bot, "polling");

        assertEverythingHandled(channel, expected);
        awaitState(channel, "RUNNING");
        alice.send(bot, "after the poison");
        await().atMost(WAIT).until(() -> texts(channel, alice).contains("after the poison"));
        await().atMost(WAIT).until(() -> telegram.pendingUpdateCount(bot) == 0);
    }

    @Test
    void webhookChannelStoresEveryGoodUpdateOnceAndAnswersThePoisonAfterSettingItAside() {
        EmulatedBot bot = bot();
        EmulatedUser alice = telegram.createUser("Alice", "alice", "en");
        String channel = createChannel(bot, "webhook");
        awaitState(channel, "RUNNING");
        Expected expected = queuePoison(bot, alice);

        assertEverythingHandled(channel, expected);
        await("every update answered 200 in the end").atMost(WAIT)
                .until(() -> telegram.pendingUpdateCount(bot) == 0);
        alice.send(bot, "after the poison");
        await().atMost(WAIT).until(() -> texts(channel, alice).contains("after the poison"));
        awaitState(channel, "RUNNING");
    }

    @Test
    void setAsideInputIsForPlatformAdminsOnly() {
        String spaceId = space.substring(space.lastIndexOf('/') + 1);
        com.smartchat.host.web.WebSession admin = com.smartchat.host.web.WebSession.signIn(port(), ApiClient.ADMIN,
                ApiClient.ADMIN_PASSWORD);
        assertThat(admin.post("/users", Map.of("username", "poison-space-admin", "password", "poison-password-1"))
                .status()).isEqualTo(302);
        assertThat(admin.post("/users/poison-space-admin/grants", Map.of("space", spaceId)).status()).isEqualTo(302);
        ApiClient spaceAdmin = ApiClient.as(port(), "poison-space-admin", "poison-password-1");

        assertThat(spaceAdmin.get(space).status()).isEqualTo(200);
        assertThat(spaceAdmin.get("/api/set-aside").status()).isEqualTo(403);
        assertThat(ApiClient.anonymous(port()).get("/api/set-aside").status()).isEqualTo(401);
        assertThat(api.get("/api/set-aside").status()).isEqualTo(200);
        assertThat(api.get("/api/set-aside?channel=not-a-uuid").status()).isEqualTo(404);
    }

    /** What a run must end with. */
    private record Expected(Set<String> storedIds, int goodMessages, Set<String> idlessIds, String refusedText) {
    }

    /**
     * Good messages with every odd update between them, a message the store refuses every time, and an update
     * without id last.
     */
    private Expected queuePoison(EmulatedBot bot, EmulatedUser alice) {
        List<OddUpdates.OddUpdate> odd = new ArrayList<>(OddUpdates.everyKind(alice, -1_000_555L));
        odd.addAll(OddUpdates.oddJson(alice));
        Set<String> storedIds = new TreeSet<>();
        Set<String> idlessIds = new TreeSet<>();
        alice.send(bot, "good 0");
        int good = 1;
        int i = 0;
        for (OddUpdates.OddUpdate update : odd) {
            int id = telegram.injectUpdate(bot, update.chatId(), update.json());
            (update.usableId() ? storedIds : idlessIds).add(String.valueOf(id));
            if (++i % 5 == 0) {
                alice.send(bot, "good " + i);
                good++;
            }
        }
        String refused = "from someone whose name no column holds " + UUID.randomUUID();
        telegram.createUser("N".repeat(400)).send(bot, refused);
        alice.send(bot, "good last");
        good++;
        idlessIds.add(String.valueOf(telegram.injectUpdate(bot, alice.id(), id -> "{\"message\":{\"message_id\":1,"
                + "\"chat\":{\"id\":" + alice.id() + ",\"type\":\"private\"},\"date\":1,\"text\":\"no id, last\"}}")));
        return new Expected(storedIds, good, idlessIds, refused);
    }

    private void assertEverythingHandled(String channel, Expected expected) {
        UUID channelId = UUID.fromString(channel.substring(channel.lastIndexOf('/') + 1));
        String setAside = "/api/set-aside?channel=" + channelId;
        await().atMost(WAIT).until(() -> api.get(setAside).body().size() == expected.idlessIds().size() + 1
                && jdbc.sql("select count(*) from message m join conversation c on c.id = m.conversation_id "
                        + "where c.channel_id = :channel and m.text = 'good last'")
                .param("channel", channelId).query(Integer.class).single() == 1);

        List<String> ids = jdbc.sql("select event_id from inbound_event where channel_id = :channel")
                .param("channel", channelId).query(String.class).list();
        assertThat(ids).as("every odd update with an id stored under it").containsAll(expected.storedIds())
                .as("nothing stored under an id the update did not carry")
                .hasSize(expected.storedIds().size() + expected.goodMessages())
                .doesNotContainAnyElementsOf(expected.idlessIds()).doesNotContain("0");
        List<String> texts = jdbc.sql("select m.text from message m join conversation c on c.id = m.conversation_id "
                        + "where c.channel_id = :channel and m.kind = 'MESSAGE'")
                .param("channel", channelId).query(String.class).list();
        assertThat(texts).contains("good 0", "good 5", "good 40", "good last").doesNotContain(expected.refusedText());
        assertThat(texts).filteredOn(text -> text.startsWith("good ")).hasSize(expected.goodMessages())
                .doesNotHaveDuplicates();
        assertThat(jdbc.sql("select event_type from inbound_event where channel_id = :channel and payload is not null")
                .param("channel", channelId).query(String.class).list())
                .as("updates without a chat are kept raw with their dedup row")
                .contains("inline_query", "chosen_inline_result", "poll", "poll_answer", "purchased_paid_media",
                        "shipping_query", "pre_checkout_query", "business_connection", "story_reaction");

        JsonNode aside = api.get(setAside).body();
        List<JsonNode> withoutId = aside.valueStream().filter(kept -> kept.get("eventId").isNull()).toList();
        assertThat(withoutId).hasSize(expected.idlessIds().size())
                .allSatisfy(kept -> assertThat(kept.get("reason").asString()).contains("update_id"));
        JsonNode refused = aside.valueStream().filter(kept -> !kept.get("eventId").isNull()).findFirst().orElseThrow();
        assertThat(refused.get("payload").asString()).contains(expected.refusedText());
        assertThat(refused.get("type").asString()).isEqualTo("message");
        assertThat(refused.get("reason").asString()).contains("after " + ATTEMPTS + " attempts");
        assertThat(ids).doesNotContain(refused.get("eventId").asString());

        Response metric = api.get("/actuator/metrics/smartchat.inbound?tag=outcome:set-aside");
        assertThat(metric.status()).isEqualTo(200);
        assertThat(metric.body().get("measurements").get(0).get("value").asDouble())
                .isGreaterThanOrEqualTo(expected.idlessIds().size() + 1);
    }

    private EmulatedBot bot() {
        int n = BOTS.incrementAndGet();
        return telegram.createBot("Poison Bot " + n, "poison" + n + "_bot");
    }

    private String createChannel(EmulatedBot bot, String delivery) {
        Response created = api.post(space + "/channels", Map.of("provider", "telegram", "settings",
                Map.of("name", "Support " + bot.username(), "token", bot.token(), "delivery", delivery)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return space + "/channels/" + created.body().get("id").asString();
    }

    private void awaitState(String channel, String state) {
        await().atMost(WAIT).until(() -> api.get(channel).body().get("state").asString().equals(state));
    }

    private List<String> texts(String channel, EmulatedUser user) {
        UUID channelId = UUID.fromString(channel.substring(channel.lastIndexOf('/') + 1));
        return jdbc.sql("select m.text from message m join conversation c on c.id = m.conversation_id "
                        + "where c.channel_id = :channel and c.external_id = :chat")
                .param("channel", channelId).param("chat", String.valueOf(user.id())).query(String.class).list();
    }

    private int port() {
        return Integer.parseInt(host.getEnvironment().getProperty("local.server.port"));
    }
}
