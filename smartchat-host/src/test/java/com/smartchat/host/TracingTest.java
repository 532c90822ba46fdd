package com.smartchat.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient.Response;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Traces as an operator turns them on: one setting (an OTLP endpoint) makes the host export spans of what it stores
 * and sends, with the channel's and the message's ids as attributes, to a real HTTP receiver; without it the host
 * makes no spans and exports nothing. Nothing exported names a bot token or a webhook's address.
 */
class TracingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;
    BotApiEmulator telegram;
    HttpServer collector;
    final List<String> exported = new CopyOnWriteArrayList<>();
    ConfigurableApplicationContext host;

    @BeforeEach
    void startTelegramAndCollector() throws IOException {
        telegram = BotApiEmulator.start();
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/", exchange -> {
            // OTLP over HTTP is protobuf: its strings (names, keys, values) are plain UTF-8 inside the bytes
            exported.add(exchange.getRequestURI().getPath() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
    }

    @AfterEach
    void stopEverything() {
        if (host != null) {
            host.close();
        }
        collector.stop(0);
        telegram.close();
    }

    @Test
    void anEndpointMakesTheHostExportSpansOfWhatItStoresAndSendsWithTheirIds() {
        int port = InProcessHost.freePort();
        host = InProcessHost.start(telegram, dataDir, "server.port=" + port,
                "smartchat.public-url=http://localhost:" + port,
                "management.opentelemetry.tracing.export.otlp.endpoint=http://127.0.0.1:"
                        + collector.getAddress().getPort() + "/v1/traces",
                "management.tracing.sampling.probability=1.0",
                "management.opentelemetry.tracing.export.schedule-delay=100ms");
        ApiClient api = ApiClient.admin(port);
        EmulatedBot bot = telegram.createBot("Traced", "traced_bot");
        EmulatedUser alice = telegram.createUser("Alice");
        String space = "/api/spaces/" + api.post("/api/spaces", Map.of("name", "Traced")).body().get("id").asString();
        Response created = api.post(space + "/channels", Map.of("provider", "telegram", "settings",
                Map.of("name", "Traced", "greeting", "Hello", "token", bot.token(), "delivery", "webhook")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String channelId = created.body().get("id").asString();
        await().atMost(WAIT).until(() -> api.get(space + "/channels/" + channelId).body().get("state").asString()
                .equals("RUNNING"));

        alice.send(bot, "hi");
        telegram.awaitSent(alice, bot, 1, WAIT);
        String greetingId = JdbcClient.create(host.getBean(DataSource.class))
                .sql("select id from message where direction = 'OUT'").query(String.class).single();

        await().atMost(WAIT).untilAsserted(() -> assertThat(String.join("\n", exported))
                .contains("/v1/traces")
                .contains("store 1 event", "smartchat.event.id")
                .contains("send telegram", "smartchat.message.id", greetingId)
                .contains("smartchat.channel.id", channelId)
                .contains("/hooks/{id}"));
        String webhookId = JdbcClient.create(host.getBean(DataSource.class))
                .sql("select webhook_id from channel").query(String.class).single();
        assertThat(String.join("\n", exported)).as("exported spans name a secret or an address")
                .doesNotContain(bot.token())
                .doesNotContain(bot.token().substring(bot.token().indexOf(':') + 1))
                .doesNotContain(webhookId);
    }

    @Test
    void withoutAnEndpointNothingIsExported() {
        host = InProcessHost.start(telegram, dataDir);

        assertThat(host.getBean(Tracer.class)).as("spans made to be dropped cost CPU on every message")
                .isSameAs(Tracer.NOOP);
        assertThat(host.getBeansOfType(SpanExporter.class)).isEmpty();
        assertThat(host.getBeansOfType(LogRecordExporter.class)).isEmpty();
        assertThat(host.getBeansOfType(MetricExporter.class)).isEmpty();
        assertThat(host.getBeansOfType(MeterRegistry.class).values()).as("metrics are only served, never pushed")
                .allMatch(registry -> registry instanceof CompositeMeterRegistry
                        || registry instanceof PrometheusMeterRegistry);
    }
}
