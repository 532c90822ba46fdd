package com.smartchat.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient.Response;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.SentMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The whole platform as an admin and a Telegram user meet it: the host with the Telegram plugin loaded from its
 * plugin jar, talking to the Bot API emulator, driven through the HTTP API; the host is restarted in the middle.
 */
@ExtendWith(OutputCaptureExtension.class)
class TelegramEndToEndTest {

    private static final String GREETING = "Hello! An agent will be with you shortly.";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;
    BotApiEmulator telegram;
    String database;
    ConfigurableApplicationContext host;
    ApiClient api;
    final List<String> responses = new ArrayList<>();

    @BeforeEach
    void startTelegram() {
        telegram = BotApiEmulator.start();
        // the restarted host finds what the first one stored: on H2 a file in the data directory
        database = InProcessHost.onPostgres() ? OwnSchemaPerHost.newSchema() : "jdbc:h2:file:"
                + dataDir.resolve("smartchat") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    @AfterEach
    void stopEverything() {
        if (host != null) {
            host.close();
        }
        telegram.close();
        if (InProcessHost.onPostgres()) {
            OwnSchemaPerHost.dropSchema(database);
        }
    }

    @Test
    void anAdminConnectsABotAndItsAudienceIsServedAcrossARestartAndATokenRotation(CapturedOutput output) throws Exception {
        EmulatedBot bot = telegram.createBot("Acme Support", "acme_support_bot");
        EmulatedUser alice = telegram.createUser("Alice", "alice", "en");
        startHost();
        String space = "/api/spaces/" + call(api.post("/api/spaces", Map.of("name", "Acme"))).body().get("id").asString();

        // validation: a malformed token, a refused token, then the real one with its preview
        JsonNode malformed = call(api.post(space + "/channels/validate", channel("12345:short"))).body();
        JsonNode refused = call(api.post(space + "/channels/validate",
                channel("999999:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))).body();
        JsonNode accepted = call(api.post(space + "/channels/validate", channel(bot.token()))).body();
        assertThat(malformed.get("fieldErrors").get("token").get(0).asString()).contains("does not look like a bot token");
        assertThat(refused.get("fieldErrors").get("token").get(0).asString()).startsWith("Telegram refused this token");
        assertThat(accepted.get("valid").asBoolean()).isTrue();
        assertThat(accepted.get("preview").get("username").asString()).isEqualTo("acme_support_bot");
        assertThat(accepted.get("preview").get("link").asString()).isEqualTo("https://t.me/acme_support_bot");

        // the channel runs
        Response created = call(api.post(space + "/channels", channel(bot.token())));
        assertThat(created.status()).isEqualTo(201);
        String channel = space + "/channels/" + created.body().get("id").asString();
        awaitState(channel, "RUNNING");

        // a first contact: stored, greeted once
        alice.send(bot, "hi");
        assertThat(telegram.awaitSent(alice, bot, 1, WAIT).getFirst().text()).isEqualTo(GREETING);
        alice.send(bot, "is anyone there?");
        String conversation = awaitConversation(channel);
        await().atMost(WAIT).until(() -> texts(conversation).contains("is anyone there?"));

        // an agent answers
        assertThat(call(api.post(conversation + "/messages", Map.of("text", "Yes! How can I help?"))).status()).isEqualTo(202);
        assertThat(telegram.awaitSent(alice, bot, 2, WAIT).get(1).text()).isEqualTo("Yes! How can I help?");

        // the host restarts; meanwhile Alice writes, and Telegram keeps her messages
        stopHost();
        alice.send(bot, "written while you were away");
        startHost();
        awaitState(channel, "RUNNING");
        await().atMost(WAIT).until(() -> texts(conversation).contains("written while you were away"));
        assertThat(texts(conversation)).containsExactly("hi", GREETING, "is anyone there?", "Yes! How can I help?",
                "written while you were away");

        // BotFather's /token: a new token for the same bot replaces the old one in place
        String oldToken = bot.token();
        String newToken = telegram.rotateToken(bot);
        awaitState(channel, "NEEDS_ATTENTION");
        JsonNode attention = call(api.get(channel)).body();
        assertThat(attention.get("fixHint").asString()).contains("token");
        Response replaced = call(api.patch(channel, Map.of("settings", Map.of("token", newToken))));
        assertThat(replaced.status()).isEqualTo(200);
        awaitState(channel, "RUNNING");
        alice.send(bot, "still me");
        await().atMost(WAIT).until(() -> texts(conversation).contains("still me"));
        assertThat(call(api.get(channel + "/conversations")).body().size()).isEqualTo(1);
        assertThat(telegram.sentTo(alice, bot)).extracting(SentMessage::text).containsOnlyOnce(GREETING);

        // a token of another bot is refused unless the admin confirms
        EmulatedBot other = telegram.createBot("Other", "other_bot");
        Response otherBot = call(api.patch(channel, Map.of("settings", Map.of("token", other.token()))));
        assertThat(otherBot.status()).isEqualTo(409);
        assertThat(otherBot.body().get("detail").asString()).contains("@other_bot").contains("@acme_support_bot");

        // nothing anywhere shows a token
        List<String> tokens = List.of(oldToken, newToken, other.token(), secretPart(oldToken), secretPart(newToken));
        String everything = output.getAll() + String.join("\n", responses) + databaseText();
        for (String token : tokens) {
            assertThat(everything).as("a token leaked").doesNotContain(token);
        }
    }

    private Map<String, Object> channel(String token) {
        return Map.of("provider", "telegram", "settings",
                Map.of("name", "Acme support", "greeting", GREETING, "token", token));
    }

    private void startHost() {
        host = InProcessHost.start(telegram, dataDir, "spring.datasource.url=" + database);
        api = ApiClient.admin(InProcessHost.port(host));
    }

    private void stopHost() {
        host.close();
        host = null;
    }

    private Response call(Response response) {
        responses.add(response.text());
        return response;
    }

    private void awaitState(String channel, String state) {
        await().atMost(WAIT).until(() -> call(api.get(channel)).body().get("state").asString().equals(state));
    }

    private String awaitConversation(String channel) {
        await().atMost(WAIT).until(() -> call(api.get(channel + "/conversations")).body().size() == 1);
        return channel + "/conversations/" + call(api.get(channel + "/conversations")).body().get(0).get("id").asString();
    }

    private List<String> texts(String conversation) {
        return call(api.get(conversation + "/messages")).body().valueStream()
                .map(message -> message.get("text").asString()).toList();
    }

    private static String secretPart(String token) {
        return token.substring(token.indexOf(':') + 1);
    }

    /** Every value in every table, and for the embedded database its files' bytes as well. */
    private String databaseText() throws IOException {
        StringBuilder text = new StringBuilder();
        JdbcClient jdbc = JdbcClient.create(host.getBean(javax.sql.DataSource.class));
        for (String table : List.of("space", "channel", "channel_event", "audience_member", "conversation", "message",
                "inbound_event", "outbound", "app_user")) {
            jdbc.sql("select * from " + table).query().listOfRows().forEach(row -> text.append(row).append('\n'));
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                text.append(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return text.toString();
    }
}
