package com.smartchat.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.InProcessHost;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.channel.spi.ChannelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A plugin made as a stranger makes one: generated from the archetype outside the reactor and built by a Maven of
 * its own (smartchat-plugin-archetype's integration test, which also runs the conformance kit on it). Dropped into
 * a plugins directory, it loads, its form is served, and a channel of it runs.
 */
class GeneratedPluginTest {

    /** Where the archetype module's integration test leaves the plugin jar it built. */
    private static final Path GENERATED =
            Path.of("../smartchat-plugin-archetype/target/it/generated-plugin/acme-chat/target/acme-chat-1.0.0.jar");

    @TempDir
    Path dataDir;
    @TempDir
    Path plugins;
    BotApiEmulator telegram;
    ConfigurableApplicationContext host;

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
        if (telegram != null) {
            telegram.close();
        }
    }

    @Test
    void aPluginGeneratedFromTheArchetypeLoadsAndRuns() throws Exception {
        assertThat(GENERATED).as("the plugin jar the archetype's integration test builds (run the reactor with "
                + "smartchat-plugin-archetype, as -am does)").isRegularFile();
        try (JarFile jar = new JarFile(GENERATED.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("SmartChat-SPI-Version"))
                    .as("smartchat.spi.version in smartchat-plugin-parent").isEqualTo(ChannelProvider.SPI_VERSION);
        }
        Files.copy(GENERATED, plugins.resolve(GENERATED.getFileName()));
        telegram = BotApiEmulator.start();
        host = InProcessHost.start(telegram, dataDir, "smartchat.plugins.dir=" + plugins);
        ApiClient api = ApiClient.admin(InProcessHost.port(host));

        Response provider = api.get("/api/providers/acme-chat");
        assertThat(provider.status()).as(provider.text()).isEqualTo(200);
        assertThat(provider.body().get("displayName").asString()).isEqualTo("Acme");
        assertThat(provider.body().at("/schema/properties/accessKey/writeOnly").asBoolean()).isTrue();

        String space = "/api/spaces/" + api.post("/api/spaces", Map.of("name", "Acme")).body().get("id").asString();
        Response created = api.post(space + "/channels", Map.of("provider", "acme-chat",
                "settings", Map.of("name", "Acme support", "accessKey", "a-key")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String channel = space + "/channels/" + created.body().get("id").asString();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get(channel).body().get("state").asString().equals("RUNNING"));
    }
}
