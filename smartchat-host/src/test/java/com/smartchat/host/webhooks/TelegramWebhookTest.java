package com.smartchat.host.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.InProcessHost;
import com.smartchat.host.web.WebSession;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.EmulatorOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Telegram channels receiving by webhook through the whole host: the Telegram plugin loaded from its jar, the Bot API
 * emulator delivering to {@code POST /hooks/{id}} at the host's public address ({@code smartchat.public-url}, plain
 * http on a local port, which the emulator accepts), driven through the HTTP API.
 *
 * <p>The emulator waits 15 s before retrying a failed delivery (Telegram waits longer still), so that a test can see
 * the updates Telegram holds while it waits: long enough for a loaded machine to show them, once, in the host's health
 * (checked each second).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class TelegramWebhookTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(10);
    private static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
    private static final AtomicInteger BOTS = new AtomicInteger();
    private static final AtomicInteger UPDATE_IDS = new AtomicInteger(2_000_000_000);

    @TempDir
    static Path dataDir; // static: instance fields are not injected yet when @BeforeAll runs
    BotApiEmulator telegram;
    ConfigurableApplicationContext host;
    ApiClient api;
    String hostUrl;
    int port;
    String space;
    final HttpClient http = HttpClient.newHttpClient();
    final List<String> responses = Collections.synchronizedList(new ArrayList<>());
    final List<String> tokens = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void startTelegramAndHost() throws IOException {
        telegram = BotApiEmulator.start(EmulatorOptions.defaults().withWebhookRetries(10, RETRY_DELAY));
        port = InProcessHost.freePort();
        hostUrl = "http://localhost:" + port;
        host = InProcessHost.start(telegram, dataDir, "server.port=" + port, "smartchat.public-url=" + hostUrl,
                "smartchat.plugins.telegram.webhook-check-interval=1");
        api = ApiClient.admin(port);
        space = "/api/spaces/" + call(api.post("/api/spaces", Map.of("name", "Webhooks"))).body().get("id").asString();
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

    // --------------------------------------------------------------------------------------- the address

    @Test
    void unknownWebhookIdIs404WithAnEmptyBody() throws Exception {
        HttpResponse<String> unknown = postHook("no-such-hook", Map.of(), "{\"update_id\":1}");
        HttpResponse<String> tooLong = postHook("x".repeat(200), Map.of(), "{\"update_id\":1}");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEmpty();
        assertThat(tooLong.statusCode()).isEqualTo(404);
        assertThat(tooLong.body()).isEmpty();
    }

    @Test
    void theChannelShowsItsWebhookAddressInTheApiAndOnItsPage() throws Exception {
        Hook hook = webhookChannel();
        String address = hostUrl + "/hooks/" + hook.id();

        JsonNode view = call(api.get(hook.channel())).body();
        WebSession.Page page = WebSession.signIn(port, "admin", ApiClient.ADMIN_PASSWORD)
                .get(hook.channel().replaceFirst("^/api", ""));

        assertThat(view.get("webhookUrl").asString()).isEqualTo(address);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Webhook address", address);
        // an address, never a credential
        assertThat(view.toString() + page.body()).doesNotContain(hook.bot().token()).doesNotContain(hook.secret());
    }

    /**
     * Echo, the example plugin, checks its address with a GET handshake and takes signed messages by POST, through
     * the host: the query reaches the plugin, and so do its answer's headers; methods a webhook does not use are
     * refused before any plugin code runs.
     */
    @Test
    void aPluginTakesAGetHandshakeWithItsQueryAndAnswersWithItsHeaders() throws Exception {
        String key = "echo_hook_key";
        Response created = call(api.post(space + "/channels", Map.of("provider", "echo", "settings",
                Map.of("name", "Echo by webhook", "apiKey", key))));
        String channel = space + "/channels/" + created.body().get("id").asString();
        awaitState(channel, "RUNNING");
        String address = call(api.get(channel)).body().get("webhookUrl").asString();
        assertThat(address).startsWith(hostUrl + "/hooks/");

        HttpResponse<String> handshake = send(HttpRequest.newBuilder(URI.create(address + "?challenge=c%20-42"))
                .header("X-Echo-Signature", echoSignature(key, "c -42")).GET());
        HttpResponse<String> unsigned = send(HttpRequest.newBuilder(URI.create(address + "?challenge=c-43")).GET());
        HttpResponse<String> head = send(HttpRequest.newBuilder(URI.create(address))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(address))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        HttpResponse<String> unknown = send(HttpRequest.newBuilder(URI.create(hostUrl + "/hooks/no-such-hook?challenge=1"))
                .GET());

        assertThat(handshake.statusCode()).isEqualTo(200);
        assertThat(handshake.body()).isEqualTo("c -42");
        assertThat(handshake.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("text/plain"));
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.headers().firstValue("WWW-Authenticate")).contains("EchoSignature");
        assertThat(unsigned.body()).doesNotContain("c-43");
        assertThat(List.of(head.statusCode(), put.statusCode())).containsOnly(405);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEmpty();

        // an answer in JSON reaches the sender as the plugin typed it: application/json, its body unchanged
        String noText = "{\"id\":\"m-0\",\"from\":\"bob\"}";
        HttpResponse<String> malformed = send(HttpRequest.newBuilder(URI.create(address))
                .header("X-Echo-Signature", echoSignature(key, noText))
                .POST(HttpRequest.BodyPublishers.ofString(noText)));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("application/json"));
        assertThat(JsonMapper.shared().readTree(malformed.body()).get("error").asString()).startsWith("Send {");
        assertThat(call(api.get(channel + "/conversations")).body().size()).isZero();

        String message = "{\"id\":\"m-1\",\"from\":\"bob\",\"text\":\"Hi by webhook\"}";
        HttpResponse<String> posted = send(HttpRequest.newBuilder(URI.create(address))
                .header("X-Echo-Signature", echoSignature(key, message))
                .POST(HttpRequest.BodyPublishers.ofString(message)));
        assertThat(posted.statusCode()).isEqualTo(200);
        JsonNode conversations = call(api.get(channel + "/conversations")).body();
        assertThat(conversations.size()).isEqualTo(1);
        assertThat(conversations.get(0).get("memberName").asString()).isEqualTo("Bob");
    }

    @Test
    void forgedSecretAndMissingHeaderAre401AndStoreNothing() throws Exception {
        Hook hook = webhookChannel();
        String body = update(UPDATE_IDS.incrementAndGet(), 777001, "forged");

        HttpResponse<String> missing = postHook(hook.id(), Map.of(), body);
        HttpResponse<String> forged = postHook(hook.id(), Map.of(SECRET_HEADER,
                secret("110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", hook.channelId())), body);
        HttpResponse<String> almost = postHook(hook.id(), Map.of(SECRET_HEADER, hook.secret().substring(1)), body);

        assertThat(List.of(missing.statusCode(), forged.statusCode(), almost.statusCode())).containsOnly(401);
        assertThat(storedEvents(hook)).isZero();
        assertThat(call(api.get(hook.channel() + "/conversations")).body().size()).isZero();
        // the very same request with the channel's secret is Telegram's, and is stored
        assertThat(postHook(hook.id(), Map.of(SECRET_HEADER, hook.secret()), body).statusCode()).isEqualTo(200);
        assertThat(storedEvents(hook)).isEqualTo(1);
    }

    @Test
    void malformedBodyIs400AndStoresNothing() throws Exception {
        Hook hook = webhookChannel();
        for (String body : List.of("", "this is not JSON", "{\"update_id\":", "[]")) {
            HttpResponse<String> response = postHook(hook.id(), Map.of(SECRET_HEADER, hook.secret()), body);
            assertThat(response.statusCode()).as("body %s", body).isEqualTo(400);
        }
        assertThat(storedEvents(hook)).isZero();
        // an update without its id: never stored under a made-up one, set aside, and answered so that Telegram
        // stops sending it
        HttpResponse<String> idless = postHook(hook.id(), Map.of(SECRET_HEADER, hook.secret()), "{\"message\":{}}");
        assertThat(idless.statusCode()).isEqualTo(200);
        assertThat(storedEvents(hook)).isZero();
        JsonNode aside = call(api.get("/api/set-aside?channel=" + hook.channelId())).body();
        assertThat(aside).singleElement().satisfies(kept -> {
            assertThat(kept.get("eventId").isNull()).isTrue();
            assertThat(kept.get("payload").asString()).isEqualTo("{\"message\":{}}");
        });
    }

    @Test
    void oversizeBodyIs413AndStoresNothing() throws Exception {
        Hook hook = webhookChannel();
        String padding = "x".repeat(1024 * 1024);
        String body = update(UPDATE_IDS.incrementAndGet(), 777002, padding);

        HttpResponse<String> response = postHook(hook.id(), Map.of(SECRET_HEADER, hook.secret()), body);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(storedEvents(hook)).isZero();
    }

    @Test
    void repeatedDeliveryOfAnUpdateIsStoredOnce() throws Exception {
        Hook hook = webhookChannel();
        EmulatedUser alice = telegram.createUser("Alice", "alice", "en");
        alice.send(hook.bot(), "delivered by Telegram");
        String conversation = awaitConversation(hook.channel());
        await().atMost(WAIT).until(() -> texts(conversation).contains("delivered by Telegram"));

        // Telegram sends an update again when it missed the answer: the same update id is the same event
        String body = update(UPDATE_IDS.incrementAndGet(), alice.id(), "sent twice");
        Map<String, String> headers = Map.of(SECRET_HEADER, hook.secret());
        assertThat(postHook(hook.id(), headers, body).statusCode()).isEqualTo(200);
        assertThat(postHook(hook.id(), headers, body).statusCode()).isEqualTo(200);
        assertThat(postHook(hook.id(), headers, body).statusCode()).isEqualTo(200);

        assertThat(texts(conversation)).containsExactly("delivered by Telegram", "sent twice");
        assertThat(storedEvents(hook)).isEqualTo(2);
    }

    // ------------------------------------------------------------------------------------------- health

    @Test
    void healthShowsWhatTelegramHoldsAndItsLastErrorUntilEverythingLanded() throws Exception {
        Hook hook = webhookChannel();
        EmulatedUser bob = telegram.createUser("Bob");
        String health = "/actuator/health/channels/" + hook.channelId();
        await().atMost(WAIT).until(() -> call(api.get(health)).body().path("details").has("webhookPendingUpdates"));
        assertThat(call(api.get(health)).body().get("details").get("delivery").asString()).isEqualTo("webhook");

        // stopped: Telegram's deliveries are answered 503 and it keeps the updates, retrying later
        assertThat(call(api.post(hook.channel() + "/stop", null)).status()).isEqualTo(200);
        bob.send(hook.bot(), "one");
        bob.send(hook.bot(), "two");
        bob.send(hook.bot(), "three");
        await().atMost(WAIT).until(() -> webhookInfo(hook.bot()).path("last_error_message").asString("").contains("503"));
        assertThat(call(api.post(hook.channel() + "/start", null)).status()).isEqualTo(200);

        // running again, before Telegram's next try: health shows the three waiting and Telegram's error
        await().atMost(RETRY_DELAY).until(() -> "3".equals(
                call(api.get(health)).body().path("details").path("webhookPendingUpdates").asString("")));
        JsonNode waiting = call(api.get(health)).body();
        assertThat(waiting.get("status").asString()).isEqualTo("DEGRADED");
        assertThat(waiting.get("details").get("reason").asString()).contains("503");
        assertThat(waiting.get("details").get("fixHint").asString()).contains("smartchat.public-url");
        assertThat(waiting.get("details").get("webhookLastError").asString()).contains("503");

        // Telegram's retry lands: all three, in order, and the channel is healthy again
        String conversation = awaitConversation(hook.channel());
        await().atMost(WAIT).until(() -> texts(conversation).size() == 3);
        assertThat(texts(conversation)).containsExactly("one", "two", "three");
        await().atMost(WAIT).until(() -> call(api.get(health)).body().get("status").asString().equals("UP"));
        await().atMost(WAIT).until(() -> "0".equals(
                call(api.get(health)).body().path("details").path("webhookPendingUpdates").asString("")));
    }

    // ---------------------------------------------------------------------------------------- switching

    @Test
    void switchingBetweenPollingAndWebhookUnderTrafficStoresEveryMessageOnceInOrder(CapturedOutput output)
            throws Exception {
        EmulatedBot bot = bot();
        EmulatedUser carol = telegram.createUser("Carol");
        String channel = createChannel(bot, "polling");
        awaitState(channel, "RUNNING");
        String channelId = channel.substring(channel.lastIndexOf('/') + 1);
        String health = "/actuator/health/channels/" + channelId;

        double byWebhookBefore = storedByWebhook();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        Thread user = Thread.ofVirtual().start(() -> {
            while (sending.get()) {
                carol.send(bot, message(sent.incrementAndGet()));
                try {
                    Thread.sleep(40);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            long setWebhooks = telegram.requestCount("setWebhook");
            for (String delivery : List.of("webhook", "polling", "webhook", "polling")) {
                Thread.sleep(1_200); // traffic in the current mode; Telegram allows one setWebhook a second
                Response changed = call(api.patch(channel, Map.of("settings", Map.of("delivery", delivery))));
                assertThat(changed.status()).as(changed.text()).isEqualTo(200);
                awaitState(channel, "RUNNING");
                await().atMost(WAIT).until(() -> call(api.get(health)).body().path("details").path("delivery")
                        .asString("").equals(delivery.equals("webhook") ? "webhook" : "long polling"));
                assertThat(webhookInfo(bot).get("url").asString()).isEqualTo(delivery.equals("webhook")
                        ? hostUrl + "/hooks/" + webhookId(channelId) : "");
            }
            Thread.sleep(1_000);
            assertThat(telegram.requestCount("setWebhook") - setWebhooks).isGreaterThanOrEqualTo(2);
        } finally {
            sending.set(false);
            user.join();
        }

        int total = sent.get();
        List<String> expected = IntStream.rangeClosed(1, total).mapToObj(TelegramWebhookTest::message).toList();
        String conversation = awaitConversation(channel);
        try {
            await().atMost(WAIT).until(() -> texts(conversation).size() >= total);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            List<String> got = texts(conversation);
            throw new AssertionError("stored " + got.size() + " of " + total + "; missing "
                    + expected.stream().filter(text -> !got.contains(text)).toList() + "; pending at Telegram "
                    + telegram.pendingUpdateCount(bot) + "; webhook " + webhookInfo(bot) + "; channel "
                    + call(api.get(health)).text(), e);
        }
        assertThat(texts(conversation)).as("every message once, in the order sent").isEqualTo(expected);
        assertThat(total).isGreaterThan(50);
        assertThat(storedByWebhook() - byWebhookBefore).as("updates that came by webhook").isPositive();
        assertThat(telegram.pendingUpdateCount(bot)).isLessThanOrEqualTo(1); // the last may await a poll's confirmation

        String everything = output.getAll() + String.join("\n", responses);
        for (String token : tokens) {
            assertThat(everything).as("a token leaked").doesNotContain(token)
                    .doesNotContain(token.substring(token.indexOf(':') + 1));
        }
        assertThat(everything).as("a webhook secret leaked").doesNotContain(secret(bot.token(), channelId));
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** A Telegram channel receiving by webhook, with what Telegram and the test need to post to it. */
    record Hook(EmulatedBot bot, String channel, String channelId, String id, String secret) {
    }

    private Hook webhookChannel() {
        EmulatedBot bot = bot();
        String channel = createChannel(bot, "webhook");
        awaitState(channel, "RUNNING");
        String channelId = channel.substring(channel.lastIndexOf('/') + 1);
        String id = webhookId(channelId);
        assertThat(webhookInfo(bot).get("url").asString()).isEqualTo(hostUrl + "/hooks/" + id).doesNotContain(bot.token());
        return new Hook(bot, channel, channelId, id, secret(bot.token(), channelId));
    }

    private EmulatedBot bot() {
        int n = BOTS.incrementAndGet();
        EmulatedBot bot = telegram.createBot("Webhook Bot " + n, "webhook" + n + "_bot");
        tokens.add(bot.token());
        return bot;
    }

    private String createChannel(EmulatedBot bot, String delivery) {
        Response created = call(api.post(space + "/channels", Map.of("provider", "telegram", "settings",
                Map.of("name", "Support " + bot.username(), "token", bot.token(), "delivery", delivery))));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return space + "/channels/" + created.body().get("id").asString();
    }

    /**
     * The secret Telegram is told to send: what the plugin's {@code WebhookSecret} derives (HMAC-SHA256 keyed by the
     * token over a fixed label, a zero byte and the channel id, base64url without padding). The plugin's class
     * is not visible here: it lives in the plugin jar's own class loader.
     */
    static String secret(String token, String channelId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update("smartchat telegram webhook secret v1".getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(channelId.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String webhookId(String channelId) {
        return JdbcClient.create(host.getBean(DataSource.class))
                .sql("select webhook_id from channel where id = :id").param("id", java.util.UUID.fromString(channelId))
                .query(String.class).single();
    }

    /** How many webhook requests Telegram channels stored, as the host's metrics count them. */
    private double storedByWebhook() {
        Response meter = call(api.get("/actuator/metrics/smartchat.channel.webhooks.received?tag=outcome:stored"));
        return meter.status() == 404 ? 0 : meter.body().get("measurements").get(0).get("value").asDouble();
    }

    private long storedEvents(Hook hook) {
        return JdbcClient.create(host.getBean(DataSource.class))
                .sql("select count(*) from inbound_event where channel_id = :id")
                .param("id", java.util.UUID.fromString(hook.channelId())).query(Long.class).single();
    }

    private JsonNode webhookInfo(EmulatedBot bot) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(telegram.baseUrl() + "/bot" + bot.token() + "/getWebhookInfo")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return JsonMapper.shared().readTree(response.body()).get("result");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What Echo asks a sender to put in X-Echo-Signature: the hex HMAC-SHA256 of what is signed, keyed by the key. */
    private static String echoSignature(String key, String signed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> postHook(String id, Map<String, String> headers, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hostUrl + "/hooks/" + id))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        responses.add(response.body());
        return response;
    }

    /** A private-chat text message update as Telegram sends it. */
    private static String update(int updateId, long userId, String text) {
        return "{\"update_id\":" + updateId + ",\"message\":{\"message_id\":" + (updateId % 100_000) + ","
                + "\"date\":1700000000,\"chat\":{\"id\":" + userId + ",\"type\":\"private\",\"first_name\":\"Eve\"},"
                + "\"from\":{\"id\":" + userId + ",\"is_bot\":false,\"first_name\":\"Eve\"},\"text\":\"" + text + "\"}}";
    }

    private static String message(int n) {
        return String.format("m%04d", n);
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
        return call(api.get(conversation + "/messages?limit=1000")).body().valueStream()
                .map(message -> message.get("text").asString()).toList();
    }
}
