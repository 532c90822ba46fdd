package com.smartchat.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient.Response;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedGroup;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.EmulatorOptions;
import com.smartchat.telegram.emulator.RateLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * What the host shows is what happened, through the whole host with the Telegram plugin and the emulator: a channel
 * is RUNNING again as soon as Telegram answers again (the long poll here waits 50 s, longer than any wait below), and
 * a group that became a supergroup is one conversation with its whole history and the move in it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelTruthTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger BOTS = new AtomicInteger();

    @TempDir
    static Path dataDir;
    BotApiEmulator telegram;
    ConfigurableApplicationContext host;
    ApiClient api;
    String space;
    JdbcClient jdbc;

    @BeforeAll
    void startTelegramAndHost() {
        telegram = BotApiEmulator.start(EmulatorOptions.defaults().withRateLimits(RateLimits.off()));
        host = InProcessHost.start(telegram, dataDir, "smartchat.plugins.telegram.poll-timeout=50");
        api = ApiClient.admin(InProcessHost.port(host));
        jdbc = JdbcClient.create(host.getBean(javax.sql.DataSource.class));
        space = "/api/spaces/" + api.post("/api/spaces", Map.of("name", "Truth")).body().get("id").asString();
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
    void aChannelIsRunningAgainOnItsNextGoodPollNotOneLongPollLater() {
        EmulatedBot bot = bot();
        EmulatedUser alice = telegram.createUser("Alice");
        String channel = createChannel(bot);
        awaitState(channel, "RUNNING");
        await().atMost(WAIT).until(() -> telegram.isPolling(bot));

        // the poll after this update's fails; the one after it works, and nothing else arrives for 50 s
        telegram.faults().failNext("getUpdates", 1, 502);
        alice.send(bot, "hello");

        await().atMost(WAIT).until(() -> states(channel).contains("DEGRADED"));
        await("RUNNING again well before the 50 s long poll could have ended").atMost(WAIT)
                .until(() -> states(channel).getLast().equals("RUNNING"));
        assertThat(api.get(channel).body().get("state").asString()).isEqualTo("RUNNING");
    }

    @Test
    void aGroupThatBecameASupergroupIsOneConversationWithItsWholeHistory() {
        EmulatedBot bot = telegram.newBot("Group Bot", "truth_group" + BOTS.incrementAndGet() + "_bot")
                .canReadAllGroupMessages(true).create();
        EmulatedUser alice = telegram.createUser("Alice");
        EmulatedGroup group = telegram.createGroup("Team", bot, alice);
        String channel = createChannel(bot);
        awaitState(channel, "RUNNING");

        group.send(alice, "before the upgrade");
        await().atMost(WAIT).until(() -> conversations(channel).size() == 1);
        long newId = group.migrateToSupergroup();
        group.send(alice, "after the upgrade");

        await().atMost(WAIT).until(() -> transcript(channel).contains("after the upgrade"));
        JsonNode conversations = conversations(channel);
        assertThat(conversations).hasSize(1);
        assertThat(conversations.get(0).get("externalId").asString()).isEqualTo(String.valueOf(newId));
        List<String> transcript = transcript(channel);
        // before them: the bot added to the group, kept as unrecognized events
        assertThat(transcript.subList(transcript.size() - 3, transcript.size())).containsExactly(
                "before the upgrade", "Moved from " + group.formerId() + " to " + newId, "after the upgrade");
        assertThat(transcript).filteredOn(text -> text.startsWith("Moved")).hasSize(1);

        // sent in the old group before the upgrade, delivered after it
        long oldId = group.formerId();
        telegram.injectUpdate(bot, oldId, id -> "{\"update_id\":" + id + ",\"message\":{\"message_id\":99,"
                + "\"from\":{\"id\":" + alice.id() + ",\"is_bot\":false,\"first_name\":\"Alice\"},"
                + "\"chat\":{\"id\":" + oldId + ",\"type\":\"group\",\"title\":\"Team\"},\"date\":1,"
                + "\"text\":\"late from the old group\"}}");
        await().atMost(WAIT).until(() -> transcript(channel).contains("late from the old group"));
        assertThat(conversations(channel)).hasSize(1);
    }

    private EmulatedBot bot() {
        return telegram.createBot("Truth Bot", "truth" + BOTS.incrementAndGet() + "_bot");
    }

    private String createChannel(EmulatedBot bot) {
        Response created = api.post(space + "/channels", Map.of("provider", "telegram", "settings",
                Map.of("name", "Support " + bot.username(), "token", bot.token())));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return space + "/channels/" + created.body().get("id").asString();
    }

    private void awaitState(String channel, String state) {
        await().atMost(WAIT).until(() -> api.get(channel).body().get("state").asString().equals(state));
    }

    /** The channel's recorded states, oldest first. */
    private List<String> states(String channel) {
        return jdbc.sql("select state from channel_event where channel_id = :channel and kind = 'STATE' order by id")
                .param("channel", UUID.fromString(channel.substring(channel.lastIndexOf('/') + 1)))
                .query(String.class).list();
    }

    private JsonNode conversations(String channel) {
        return api.get(channel + "/conversations").body();
    }

    private List<String> transcript(String channel) {
        JsonNode conversations = conversations(channel);
        List<String> texts = new ArrayList<>();
        for (JsonNode conversation : conversations) {
            api.get(channel + "/conversations/" + conversation.get("id").asString() + "/messages").body()
                    .forEach(message -> texts.add(message.get("text").asString()));
        }
        return texts;
    }
}
