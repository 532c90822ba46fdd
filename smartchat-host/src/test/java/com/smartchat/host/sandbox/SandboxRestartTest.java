package com.smartchat.host.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.InProcessHost;
import com.smartchat.host.security.SecretCipher;
import com.smartchat.telegram.emulator.EmulatedUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sandbox survives a restart of the host on the same data directory (issue 15, point 7): the bot made with
 * BotFather answers the same token, so the channel runs on it again; BotFather's chat, the audience member and their
 * chat are back; a message sent while the channel was stopped (an update not yet taken) arrives after the restart,
 * and new messages flow both ways. The state is on disk, encrypted, before the host stops: a crash would find it.
 */
class SandboxRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ADMIN = ApiClient.ADMIN;
    private static final String GREETING = "Hi! An agent will answer shortly.";

    @TempDir
    Path data;

    @Test
    void botsAudienceChatsAndPendingUpdatesAreBackAfterARestart() throws Exception {
        String token;
        String channelPath;
        long aliceId;
        try (ConfigurableApplicationContext host = start()) {
            SandboxTelegram sandbox = host.getBean(SandboxTelegram.class);
            BotFather botFather = host.getBean(BotFather.class);
            ApiClient api = ApiClient.adminToken(InProcessHost.port(host));
            botFather.say(ADMIN, "/newbot");
            botFather.say(ADMIN, "Acme Support");
            botFather.say(ADMIN, "acme_restart_bot");
            SandboxBot bot = sandbox.bot("acme_restart_bot").orElseThrow();
            token = bot.bot().token();
            String space = api.post("/api/spaces", Map.of("name", "Acme")).body().get("id").asString();
            channelPath = "/api/spaces/" + space + "/channels/" + api.post("/api/spaces/" + space + "/channels",
                    Map.of("provider", "telegram", "settings", Map.of("name", "Acme Support", "token", token,
                            "greeting", GREETING))).body().get("id").asString();
            awaitState(api, channelPath, "RUNNING");

            EmulatedUser alice = sandbox.createMember(ADMIN, "Alice", "alice", "en");
            aliceId = alice.id();
            sandbox.start(alice, bot, null);
            await().atMost(WAIT).until(() -> lines(sandbox, alice, bot).contains(GREETING));

            // stopped: Alice's next message waits at the sandbox's Telegram, not taken by anyone
            assertThat(api.post(channelPath + "/stop", Map.of()).status()).isLessThan(300);
            awaitState(api, channelPath, "STOPPED");
            sandbox.send(alice, bot, "Are you there?");

            // on disk before the host stops (a crash now would find it), encrypted: no token in the file
            SandboxStore.Saved onDisk = await().atMost(WAIT).until(
                    () -> new SandboxStore(data, host.getBean(SecretCipher.class)).saved().orElse(null),
                    saved -> saved != null && saved.telegram().emulator().contains("Are you there?"));
            assertThat(onDisk.botFather().chats().get(ADMIN).lines()).isNotEmpty();
            Path file = data.resolve(SandboxStore.FILE);
            assertThat(Files.readString(file)).doesNotContain(token).doesNotContain("Are you there?");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }

        try (ConfigurableApplicationContext host = start()) {
            SandboxTelegram sandbox = host.getBean(SandboxTelegram.class);
            BotFather botFather = host.getBean(BotFather.class);
            ApiClient api = ApiClient.adminToken(InProcessHost.port(host));

            // the bot, its token, BotFather's chat, the member and the chat are back
            SandboxBot bot = sandbox.botOf(ADMIN, "acme_restart_bot").orElseThrow();
            assertThat(bot.bot().token()).isEqualTo(token);
            assertThat(bot.name()).isEqualTo("Acme Support");
            assertThat(botFather.transcript(ADMIN)).anySatisfy(line -> assertThat(line.text())
                    .startsWith("Done! Congratulations on your new bot."));
            EmulatedUser alice = sandbox.memberOf(ADMIN, aliceId).orElseThrow();
            assertThat(alice.firstName()).isEqualTo("Alice");
            assertThat(sandbox.chatsOf(alice)).containsExactly(bot);
            assertThat(lines(sandbox, alice, bot)).containsSubsequence("/start", GREETING, "Are you there?");

            // the channel runs on the same token again and takes the message that waited
            assertThat(api.post(channelPath + "/start", Map.of()).status()).isLessThan(300);
            awaitState(api, channelPath, "RUNNING");
            String conversation = channelPath + "/conversations/"
                    + api.get(channelPath + "/conversations").body().get(0).get("id").asString();
            await().atMost(WAIT).until(() -> texts(api, conversation).contains("Are you there?"));

            // new messages flow both ways; new members get new ids
            sandbox.send(alice, bot, "Hello again");
            await().atMost(WAIT).until(() -> texts(api, conversation).contains("Hello again"));
            api.post(conversation + "/messages", Map.of("text", "Welcome back, Alice"));
            await().atMost(WAIT).until(() -> lines(sandbox, alice, bot).contains("Welcome back, Alice"));
            assertThat(sandbox.createMember(ADMIN, "Bob", "", "en").id()).isGreaterThan(aliceId);
        }
    }

    private ConfigurableApplicationContext start() {
        return InProcessHost.startSandbox(data, "smartchat.sandbox.keep-state=true",
                "spring.datasource.url=jdbc:h2:file:" + data.resolve("smartchat")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
                "spring.datasource.username=sa", "spring.datasource.password=");
    }

    private static void awaitState(ApiClient api, String channel, String state) {
        await().atMost(WAIT).until(() -> api.get(channel).body().get("state").asString().equals(state));
    }

    private static List<String> lines(SandboxTelegram sandbox, EmulatedUser member, SandboxBot bot) {
        return sandbox.chat(member, bot).entries().stream().map(ChatEntry::text).toList();
    }

    private static List<String> texts(ApiClient api, String conversation) {
        return api.get(conversation + "/messages").body().valueStream()
                .map(message -> message.path("text").asString("")).toList();
    }
}
