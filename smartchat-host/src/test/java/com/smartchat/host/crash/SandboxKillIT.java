package com.smartchat.host.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.InProcessHost;
import com.smartchat.host.web.WebSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's sandbox tour survives {@code kill -9} of the host as production runs it ({@code java -jar}, the
 * embedded database and the sandbox's state in the data directory): what BotFather and the audience page confirmed
 * before the kill is there after it, the channel runs on the same token, and the message the member sent just before
 * the kill, while the channel was stopped, reaches the inbox once it starts. Only pages and the API are used.
 */
class SandboxKillIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern TOKEN = Pattern.compile("\\d+:AA[A-Za-z0-9_-]{33}");
    private static final Pattern MEMBER = Pattern.compile("user=(\\d+)");

    @TempDir
    Path data;

    @Test
    void theTourGoesOnAfterKillMinus9() throws Exception {
        int port = InProcessHost.freePort();
        HostProcess host = new HostProcess(Path.of("target/smartchat-host.jar").toAbsolutePath(),
                data.resolve("host.log"), port, List.of("--smartchat.sandbox.enabled=true",
                "--smartchat.data-dir=" + data, "--smartchat.plugins.dir=" + Path.of("target/plugins").toAbsolutePath(),
                "--smartchat.plugins.telegram.poll-timeout=1"));
        try {
            host.start(Duration.ofSeconds(120));
            WebSession admin = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
            ApiClient api = ApiClient.adminToken(port);
            for (String line : List.of("/newbot", "Acme Support", "acme_kill_bot")) {
                assertThat(admin.post("/sandbox/botfather", Map.of("text", line)).status()).isEqualTo(302);
            }
            Matcher token = TOKEN.matcher(admin.get("/sandbox/botfather").body());
            assertThat(token.find()).isTrue();
            String space = api.post("/api/spaces", Map.of("name", "Acme")).body().get("id").asString();
            String channel = "/api/spaces/" + space + "/channels/" + api.post("/api/spaces/" + space + "/channels",
                    Map.of("provider", "telegram", "settings", Map.of("name", "Acme Support", "token", token.group(),
                            "greeting", "Hello from Acme"))).body().get("id").asString();
            awaitState(api, channel, "RUNNING");
            Matcher member = MEMBER.matcher(admin.post("/sandbox/audience/members",
                    Map.of("firstName", "Alice", "username", "alice_kill", "language", "en")).location());
            assertThat(member.find()).isTrue();
            String chat = "/sandbox/audience/" + member.group(1) + "/acme_kill_bot";
            admin.post(chat + "/start", Map.of());
            await().atMost(WAIT).until(() -> admin.get(chat).body().contains("Hello from Acme"));
            assertThat(api.post(channel + "/stop", Map.of()).status()).isLessThan(300);
            awaitState(api, channel, "STOPPED");
            assertThat(admin.post(chat + "/messages", Map.of("text", "Sent just before the crash")).status())
                    .isEqualTo(302);

            host.kill();
            // what survived is encrypted and the owner's only: no token, no message in the file
            Path file = data.resolve("sandbox.state");
            assertThat(Files.readString(file)).doesNotContain(token.group()).doesNotContain("Sent just before");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            host.start(Duration.ofSeconds(120));

            WebSession again = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
            assertThat(again.get("/sandbox/botfather").body()).contains(token.group(), "acme_kill_bot");
            assertThat(again.get(chat).body()).contains("Hello from Acme", "Sent just before the crash");
            assertThat(api.post(channel + "/start", Map.of()).status()).isLessThan(300);
            awaitState(api, channel, "RUNNING");
            String conversations = channel + "/conversations";
            await().atMost(WAIT).until(() -> texts(api, conversations).contains("Sent just before the crash"));
            again.post(chat + "/messages", Map.of("text", "And after it"));
            await().atMost(WAIT).until(() -> texts(api, conversations).contains("And after it"));
        } finally {
            host.stop();
        }
    }

    private static void awaitState(ApiClient api, String channel, String state) {
        await().atMost(WAIT).until(() -> api.get(channel).body().get("state").asString().equals(state));
    }

    /** The texts of the channel's first conversation. */
    private static List<String> texts(ApiClient api, String conversations) {
        return api.get(conversations + "/" + api.get(conversations).body().get(0).get("id").asString() + "/messages")
                .body().valueStream().map(message -> message.path("text").asString("")).toList();
    }
}
