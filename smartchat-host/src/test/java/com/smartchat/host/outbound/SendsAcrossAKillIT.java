package com.smartchat.host.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.InProcessHost;
import com.smartchat.host.crash.HostProcess;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.SentMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What a host killed in the middle of sending ({@code kill -9}, the host's jar in a process of its own on its default
 * embedded database) does with the sends it had claimed, once it runs again: a send that may have reached Telegram
 * (it was under way: Telegram had taken it, or had already carried it out) is UNCERTAIN once its claim ends, never
 * repeated; a send that certainly was not made (held back by the pacer for Telegram's pace per chat) goes out after
 * the restart, once. Runs after the host's jar is built (failsafe), on the embedded database in both of the build's
 * passes.
 */
class SendsAcrossAKillIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Telegram's answer to the send under way comes this late: after the kill. */
    private static final Duration SLOW_ANSWER = Duration.ofSeconds(6);

    @TempDir
    Path dir;

    @Test
    void sendsUnderWayAtTheKillAreUncertainAndSendsHeldBackByThePacerGoOutOnceAfterTheRestart() throws Exception {
        try (BotApiEmulator telegram = BotApiEmulator.start()) {
            int port = InProcessHost.freePort();
            HostProcess host = new HostProcess(Path.of("target/smartchat-host.jar").toAbsolutePath(),
                    dir.resolve("host.log"), port, List.of(
                    "--smartchat.data-dir=" + dir.resolve("data"),
                    "--smartchat.plugins.dir=" + Path.of("target/plugins").toAbsolutePath(),
                    "--smartchat.plugins.telegram.api-url=" + telegram.baseUrl(),
                    "--smartchat.plugins.telegram.poll-timeout=1",
                    "--smartchat.channels.restart-delay=200ms",
                    // the claims of the killed host end soon after the restart
                    "--smartchat.outbound.lease=3s"));
            try {
                run(telegram, host, port);
            } finally {
                host.stop();
            }
        }
    }

    private void run(BotApiEmulator telegram, HostProcess host, int port) throws Exception {
        host.start(WAIT);
        // a token, not a password: the polls below must not spend the host's CPU on password hashes while the pacer's
        // one second runs (on a slow machine they let the fourth reply go out before the kill)
        ApiClient api = ApiClient.adminToken(port);
        EmulatedBot bot = telegram.createBot("Killed Support", "killed_support_bot");
        EmulatedUser alice = telegram.createUser("Alice");
        EmulatedUser bob = telegram.createUser("Bob");
        String space = "/api/spaces/" + api.post("/api/spaces", Map.of("name", "Kills")).body().get("id").asString();
        Response created = api.post(space + "/channels", Map.of("provider", "telegram",
                "settings", Map.of("name", "Killed support", "token", bot.token())));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String channel = space + "/channels/" + created.body().get("id").asString();
        await().atMost(WAIT).until(() -> api.get(channel).body().get("state").asString().equals("RUNNING"));
        alice.send(bot, "hello");
        bob.send(bot, "hello");
        await().atMost(WAIT).until(() -> api.get(channel + "/conversations").body().size() == 2);
        String aliceConversation = conversation(api, channel, alice);
        String bobConversation = conversation(api, channel, bob);

        // Alice's reply: Telegram takes it and answers after the kill
        long requests = telegram.requestCount("sendMessage");
        telegram.faults().latency("sendMessage", SLOW_ANSWER);
        reply(api, aliceConversation, "Under way at the kill");
        await().atMost(WAIT).until(() -> telegram.requestCount("sendMessage") > requests);
        telegram.faults().latency("sendMessage", Duration.ZERO);

        // Bob's six replies: three at once (Telegram's burst per chat), then one a second; the host dies while the
        // pacer holds the fourth back
        for (int i = 1; i <= 6; i++) {
            reply(api, bobConversation, "Bob " + i);
        }
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> status(api, bobConversation, "Bob 3").equals("SENT"));
        host.kill();
        assertThat(delivered(telegram, bob, bot)).as("the fourth must still be held back at the kill")
                .containsExactly("Bob 1", "Bob 2", "Bob 3");
        await().atMost(WAIT).until(() -> delivered(telegram, alice, bot).contains("Under way at the kill"));

        host.start(WAIT);
        await().atMost(WAIT).until(() -> status(api, bobConversation, "Bob 6").equals("SENT"));
        await().atMost(WAIT).until(() -> status(api, aliceConversation, "Under way at the kill").equals("UNCERTAIN"));
        // carried out by Telegram, answered too late for the host: uncertain after its claim ended, never repeated
        assertThat(delivered(telegram, alice, bot)).containsExactly("Under way at the kill");
        // held back by the pacer, so never under way: sent after the restart, each once and in order
        assertThat(delivered(telegram, bob, bot)).containsExactly("Bob 1", "Bob 2", "Bob 3", "Bob 4", "Bob 5", "Bob 6");
        for (int i = 1; i <= 6; i++) {
            assertThat(status(api, bobConversation, "Bob " + i)).as("Bob " + i).isEqualTo("SENT");
        }
    }

    private static String conversation(ApiClient api, String channel, EmulatedUser member) {
        for (JsonNode conversation : api.get(channel + "/conversations").body()) {
            if (member.firstName().equals(conversation.get("memberName").asString())) {
                return channel + "/conversations/" + conversation.get("id").asString();
            }
        }
        throw new AssertionError("no conversation with " + member);
    }

    private static void reply(ApiClient api, String conversation, String text) {
        Response reply = api.post(conversation + "/messages", Map.of("text", text));
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
    }

    private static String status(ApiClient api, String conversation, String text) {
        for (JsonNode message : api.get(conversation + "/messages").body()) {
            if (text.equals(message.get("text").asString())) {
                return message.get("status").asString();
            }
        }
        return "";
    }

    private static List<String> delivered(BotApiEmulator telegram, EmulatedUser member, EmulatedBot bot) {
        return telegram.sentTo(member, bot).stream().map(SentMessage::text).toList();
    }
}
