package com.smartchat.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.InProcessHost;
import com.smartchat.host.OwnSchemaPerHost;
import com.smartchat.host.web.WebSession;
import com.smartchat.host.web.WebSession.Page;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A platform admin upgrades a plugin while its channels take messages: the new version's jar is dropped in the
 * plugins directory beside the running one, and the directory reloaded. The channels move to the new version and
 * every message is stored once; a new version that does not load, or on which the channels do not start, leaves the
 * old one running them, and says why.
 */
class PluginUpgradeTest {

    private static final Path BUILT_PLUGINS = Path.of("target/test-plugins");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String ECHO_KEY = "echo_upgrade_key";

    @TempDir
    Path pluginsDir;
    @TempDir
    Path dataDir;
    BotApiEmulator telegram = BotApiEmulator.start();
    String database;
    ConfigurableApplicationContext host;
    ApiClient api;
    String space;
    final List<Traffic> traffic = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        traffic.forEach(Traffic::stop);
        if (host != null) {
            host.close();
        }
        telegram.close();
        if (database != null) {
            OwnSchemaPerHost.dropSchema(database);
        }
    }

    /**
     * Echo channels take messages pushed to their webhook, whose sender sends a message again until it is answered
     * 200 (as networks that push do), so none is lost while a channel moves.
     */
    @Test
    void channelsMoveToANewVersionWhileMessagesArriveAndEachIsStoredOnceAndTheOldVersionIsReleased()
            throws Exception {
        int port = InProcessHost.freePort();
        newVersion("smartchat-example-plugin.jar", "smartchat-example-plugin-1.0.jar", "1.0");
        startHost("server.port=" + port,
                "smartchat.public-url=http://localhost:" + port);
        Traffic first = echoTraffic("first");
        Traffic second = echoTraffic("second");
        WeakReference<ClassLoader> oldVersion = classLoaderOf("echo");
        first.awaitStored(5);
        second.awaitStored(5);

        newVersion("smartchat-example-plugin.jar", "smartchat-example-plugin-2.0.jar", "2.0");
        Response reload = api.post("/api/plugins/reload", Map.of());

        assertThat(reload.status()).isEqualTo(200);
        assertThat(reload.body().get("changes").get(0).get("file").asString())
                .isEqualTo("smartchat-example-plugin-2.0.jar");
        assertThat(reload.body().get("changes").get(0).get("outcome").asString()).isEqualTo("UPGRADED");
        JsonNode plugins = api.get("/api/plugins").body();
        JsonNode upgraded = plugin(plugins, "smartchat-example-plugin-2.0.jar");
        assertThat(upgraded.get("state").asString()).isEqualTo("LOADED");
        assertThat(upgraded.get("version").asString()).isEqualTo("2.0");
        assertThat(upgraded.get("spiVersion").asString()).isEqualTo("1.4");
        assertThat(upgraded.get("providers").get(0).asString()).isEqualTo("echo");
        assertThat(plugin(plugins, "smartchat-example-plugin-1.0.jar").get("state").asString()).isEqualTo("REPLACED");
        assertThat(api.get("/api/providers/echo").body().get("pluginVersion").asString()).isEqualTo("2.0");

        for (Traffic channel : List.of(first, second)) {
            channel.awaitStored(channel.sent.size() + 5); // still arriving, on the new version
            channel.stop();
            assertThat(channel.state()).isEqualTo("RUNNING");
            channel.awaitStored(channel.sent.size());
            assertThat(channel.stored()).containsExactlyInAnyOrderElementsOf(channel.sent);
        }
        assertThat(isCollected(oldVersion)).as("the old version's class loader was collected").isTrue();

        Page page = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD).get("/settings/plugins");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("smartchat-example-plugin-2.0.jar", "2.0", "Replaced",
                "remove this file from the plugins directory");
    }

    /**
     * Telegram channels poll: what a channel has not confirmed stays at Telegram, and the new version fetches it.
     * (The old version's class loader is released here too, but only once the idle threads of the HTTP library it
     * bundles end, a minute later: too long to wait for in a test.)
     */
    @Test
    void pollingChannelsMoveToANewVersionAndEachMessageIsStoredOnceAndItsJarIsKeptWhileTheyUseIt() throws Exception {
        newVersion("smartchat-telegram-plugin.jar", "smartchat-telegram-plugin-1.0.jar", "1.0");
        startHost();
        Traffic channel = telegramTraffic("polling");
        channel.awaitStored(5);

        newVersion("smartchat-telegram-plugin.jar", "smartchat-telegram-plugin-2.0.jar", "2.0");
        Response reload = api.post("/api/plugins/reload", Map.of());

        assertThat(reload.body().get("changes").get(0).get("outcome").asString()).isEqualTo("UPGRADED");
        assertThat(api.get("/api/providers/telegram").body().get("pluginVersion").asString()).isEqualTo("2.0");
        channel.awaitStored(channel.sent.size() + 5);

        // its jar removed while its channel runs on it: a reload keeps it, and says so
        Files.delete(pluginsDir.resolve("smartchat-telegram-plugin-2.0.jar"));
        JsonNode kept = api.post("/api/plugins/reload", Map.of()).body();
        assertThat(kept.get("changes").get(0).get("outcome").asString()).isEqualTo("KEPT");
        assertThat(plugin(kept.get("plugins"), "smartchat-telegram-plugin-2.0.jar").get("state").asString())
                .isEqualTo("LOADED");
        assertThat(plugin(kept.get("plugins"), "smartchat-telegram-plugin-2.0.jar").get("reason").asString())
                .contains("its file was removed, but 1 channel uses its providers [telegram]");

        channel.awaitStored(channel.sent.size() + 5);
        channel.stop();
        assertThat(channel.state()).isEqualTo("RUNNING");
        channel.awaitStored(channel.sent.size());
        assertThat(channel.stored()).containsExactlyInAnyOrderElementsOf(channel.sent);
    }

    @Test
    void aNewVersionThatDoesNotLoadOrOnWhichChannelsDoNotStartLeavesTheOldOneRunningThem() throws Exception {
        newVersion("smartchat-telegram-plugin.jar", "smartchat-telegram-plugin-1.0.jar", "1.0");
        startHost();
        Traffic channel = telegramTraffic("only");
        channel.awaitStored(5);

        // a jar that is no jar
        Path corrupt = Files.writeString(pluginsDir.resolve("smartchat-telegram-plugin-2.0.jar"), "not a zip file");
        Response reload = api.post("/api/plugins/reload", Map.of());
        assertThat(reload.body().get("changes").get(0).get("outcome").asString()).isEqualTo("FAILED");
        assertThat(plugin(reload.body().get("plugins"), "smartchat-telegram-plugin-2.0.jar").get("reason").asString())
                .contains("not a readable jar file");
        Files.delete(corrupt);

        // a version whose channels cannot be opened, reloaded from the plugins page
        PluginJar.named("smartchat-telegram-plugin-3.0.jar").version("3.0")
                .provider(FixtureProvider.of("com.acme.BrokenTelegram", "telegram")).writeTo(pluginsDir);
        WebSession admin = WebSession.signIn(InProcessHost.port(host), ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        admin.get("/settings/plugins");
        Page reloaded = admin.submit("/settings/plugins/reload", Map.of());

        assertThat(reloaded.body()).contains("smartchat-telegram-plugin-3.0.jar", "Failed",
                "did not start on it", "smartchat-telegram-plugin-1.0.jar keeps running its channels");
        JsonNode broken = plugin(api.get("/api/plugins").body(), "smartchat-telegram-plugin-3.0.jar");
        assertThat(broken.get("state").asString()).isEqualTo("FAILED");
        assertThat(broken.get("reason").asString()).contains("could not be opened", "keeps running its channels");
        assertThat(plugin(api.get("/api/plugins").body(), "smartchat-telegram-plugin-1.0.jar").get("state")
                .asString()).isEqualTo("LOADED");
        assertThat(api.get("/api/providers/telegram").body().get("pluginVersion").asString()).isEqualTo("1.0");

        channel.awaitStored(channel.sent.size() + 5);
        channel.stop();
        assertThat(channel.state()).isEqualTo("RUNNING");
        channel.awaitStored(channel.sent.size());
        assertThat(channel.stored()).containsExactlyInAnyOrderElementsOf(channel.sent);
    }

    /**
     * A new version whose form grew a version renames a field: a channel moving to it keeps its value, migrated; when
     * the upgrade fails, the channel gets its settings back as the old version stored them.
     */
    @Test
    void aMovingChannelKeepsItsSettingsMigratedToTheNewFormAndAsTheyWereWhenTheUpgradeFails() throws Exception {
        memo("memo-1.jar", "1", 1, "label", "").writeTo(pluginsDir);
        startHost();
        String channel = runningChannel("memo", Map.of("name", "Memo", "label", "Front desk"));

        Path broken = memo("memo-3.jar", "3", 2, "title",
                "if (true) throw new ChannelException(FailureKind.TRANSIENT, \"version 3 cannot start\");")
                .writeTo(pluginsDir);
        JsonNode failed = api.post("/api/plugins/reload", Map.of()).body();
        assertThat(failed.get("changes").get(0).get("outcome").asString()).isEqualTo("FAILED");
        assertThat(failed.get("changes").get(0).get("message").asString()).contains("version 3 cannot start");
        await().atMost(WAIT).until(() -> api.get(channel).body().get("state").asString().equals("RUNNING"));
        assertThat(api.get(channel).body().get("settings").get("label").asString()).isEqualTo("Front desk");
        Files.delete(broken);

        memo("memo-2.jar", "2", 2, "title", "if (context.settings().text(\"title\").isEmpty()) "
                + "throw new ChannelException(FailureKind.INVALID_REQUEST, \"no title\");").writeTo(pluginsDir);
        JsonNode upgraded = api.post("/api/plugins/reload", Map.of()).body();

        assertThat(upgraded.get("changes").get(0).get("outcome").asString()).isEqualTo("UPGRADED");
        JsonNode moved = api.get(channel).body();
        assertThat(moved.get("state").asString()).isEqualTo("RUNNING");
        assertThat(moved.get("settings").get("title").asString()).isEqualTo("Front desk");
        assertThat(moved.get("settings").has("label")).isFalse();
    }

    /**
     * A fixture plugin of the provider {@code memo}, whose form has one required text field; from form version 2
     * on, it migrates {@code label} to {@code title}. Its channels run once {@code startCheck} lets them.
     */
    private static PluginJar memo(String file, String version, int formVersion, String field, String startCheck) {
        return PluginJar.named(file).version(version).provider(FixtureProvider.of("com.acme.MemoProvider", "memo")
                .method("schema", "return FormSchema.builder().version(" + formVersion + ").field(FormField.text(\""
                        + field + "\").label(\"Label\").required().build()).build();")
                .method("migrateSettings", "java.util.Map<String, Object> migrated = new java.util.HashMap<>(values);"
                        + " migrated.put(\"title\", migrated.remove(\"label\")); return migrated;")
                .method("open", """
                        return new Channel() {
                            private volatile ChannelStatus status = ChannelStatus.of(ChannelState.CREATED, null, null);
                            public void start() throws ChannelException {
                                %s
                                status = ChannelStatus.running();
                            }
                            public void stop() {
                                status = ChannelStatus.of(ChannelState.STOPPED, null, null);
                            }
                            public java.util.concurrent.CompletionStage<SendReceipt> send(OutboundMessage message) {
                                return java.util.concurrent.CompletableFuture.failedFuture(
                                        new ChannelException(FailureKind.INVALID_REQUEST, "memo sends nothing"));
                            }
                            public ChannelStatus status() {
                                return status;
                            }
                        };""".formatted(startCheck)));
    }

    /** Starts a host on the plugins directory, and makes a Space. */
    private void startHost(String... settings) {
        List<String> all = new ArrayList<>(List.of(settings));
        all.add("smartchat.plugins.dir=" + pluginsDir);
        if (InProcessHost.onPostgres()) {
            database = OwnSchemaPerHost.newSchema();
            all.add("spring.datasource.url=" + database);
        }
        host = InProcessHost.start(telegram, dataDir, all.toArray(String[]::new));
        api = ApiClient.admin(InProcessHost.port(host));
        space = "/api/spaces/" + api.post("/api/spaces", Map.of("name", "Upgrades")).body().get("id").asString();
    }

    /** Drops a version of a built plugin in the plugins directory. */
    private void newVersion(String built, String fileName, String version) throws IOException {
        PluginJar.copyWithVersion(BUILT_PLUGINS.resolve(built), pluginsDir, fileName, version);
    }

    private String runningChannel(String provider, Map<String, String> settings) {
        String channel = space + "/channels/" + api.post(space + "/channels", Map.of("provider", provider,
                "settings", settings)).body().get("id").asString();
        await().atMost(WAIT).until(() -> api.get(channel).body().get("state").asString().equals("RUNNING"));
        return channel;
    }

    /** An Echo channel, and a sender pushing a message to its webhook every 10 ms, each again until it is taken. */
    private Traffic echoTraffic(String name) {
        String channel = runningChannel("echo", Map.of("name", "Echo " + name, "apiKey", ECHO_KEY));
        URI address = URI.create(api.get(channel).body().get("webhookUrl").asString());
        HttpClient http = HttpClient.newHttpClient();
        return start(new Traffic(channel, text -> {
            String body = "{\"id\":\"" + text.replace(' ', '-') + "\",\"from\":\"sender\",\"text\":\"" + text + "\"}";
            HttpRequest request = HttpRequest.newBuilder(address).header("X-Echo-Signature", echoSignature(body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            while (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                Thread.sleep(20); // not taken (the channel is moving): the network sends it again
            }
        }));
    }

    /** A Telegram channel, and a user writing to its bot every 10 ms. */
    private Traffic telegramTraffic(String name) {
        EmulatedBot bot = telegram.createBot("Bot " + name, name + "_bot");
        EmulatedUser user = telegram.createUser("User " + name);
        String channel = runningChannel("telegram", Map.of("name", "Telegram " + name, "token", bot.token()));
        return start(new Traffic(channel, text -> user.send(bot, text)));
    }

    private Traffic start(Traffic started) {
        traffic.add(started);
        return started;
    }

    /** How a message reaches a channel's network. */
    private interface Network {
        void send(String text) throws Exception;
    }

    /** A channel, and messages sent to it every 10 ms on a thread of their own until stopped. */
    private final class Traffic {
        final String channel;
        final List<String> sent = new CopyOnWriteArrayList<>();
        final Thread writer;
        volatile boolean writing = true;

        Traffic(String channel, Network network) {
            this.channel = channel;
            this.writer = Thread.ofVirtual().start(() -> {
                for (int i = 1; writing; i++) {
                    String text = "message " + i;
                    try {
                        network.send(text);
                        sent.add(text);
                        Thread.sleep(10);
                    } catch (Exception e) {
                        return; // stopped
                    }
                }
            });
        }

        void stop() {
            writing = false;
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String state() {
            return api.get(channel).body().get("state").asString();
        }

        void awaitStored(int count) {
            await().atMost(WAIT).until(() -> stored().size() >= count);
        }

        List<String> stored() {
            JsonNode conversations = api.get(channel + "/conversations").body();
            if (conversations.isEmpty()) {
                return List.of();
            }
            return api.get(channel + "/conversations/" + conversations.get(0).get("id").asString()
                    + "/messages?limit=1000").body().valueStream().map(message -> message.get("text").asString())
                    .toList();
        }
    }

    private static String echoSignature(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(ECHO_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode plugin(JsonNode plugins, String file) {
        return plugins.valueStream().filter(plugin -> plugin.get("file").asString().equals(file)).findFirst()
                .orElseThrow(() -> new AssertionError("no plugin " + file + " in " + plugins));
    }

    /** The class loader of a provider now in use, held weakly: the test must not keep it alive. */
    private WeakReference<ClassLoader> classLoaderOf(String provider) {
        return new WeakReference<>(host.getBean(PluginRegistry.class).find(provider).orElseThrow().classLoader());
    }

    private static boolean isCollected(WeakReference<?> reference) throws InterruptedException {
        for (int attempt = 0; attempt < 50 && reference.get() != null; attempt++) {
            System.gc();
            Thread.sleep(100);
        }
        return reference.get() == null;
    }
}
