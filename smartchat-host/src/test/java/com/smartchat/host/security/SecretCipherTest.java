package com.smartchat.host.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.smartchat.channel.spi.ChannelState;
import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.InProcessHost;
import com.smartchat.host.SmartChatHostApplication;
import com.smartchat.host.channels.ChannelRecord;
import com.smartchat.host.channels.ChannelRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Secrets at rest: a value opens only for the channel it was saved for and under the key it was saved with; a key
 * that is malformed or wrong stops the host at start with a message that says what to do and never shows a key;
 * the generated key file is its owner's alone, and hosts starting together on an empty data directory all end up
 * with the same whole key.
 */
class SecretCipherTest {

    private static final String KEY = key();
    private static final String OTHER_KEY = key();

    @TempDir
    Path data;

    @Test
    void aValueOpensOnlyForItsOwnerAndUnaltered() {
        SecretCipher cipher = new SecretCipher(KEY, data);
        String sealed = cipher.encrypt("{\"token\":\"123:abc\"}", "channel A");

        assertThat(cipher.decrypt(sealed, "channel A")).isEqualTo("{\"token\":\"123:abc\"}");
        assertThat(cipher.encrypt("{\"token\":\"123:abc\"}", "channel A")).as("a fresh IV each time").isNotEqualTo(sealed);
        byte[] altered = Base64.getDecoder().decode(sealed);
        altered[altered.length - 20] ^= 1;
        for (String value : List.of(Base64.getEncoder().encodeToString(altered), "not base64!", "c2hvcnQ=", "")) {
            assertThatThrownBy(() -> cipher.decrypt(value, "channel A")).as(value)
                    .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("Cannot decrypt the secrets of channel A");
        }
        assertThatThrownBy(() -> cipher.decrypt(sealed, "channel B")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretCipher(OTHER_KEY, data).decrypt(sealed, "channel A"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMalformedKeySaysWhatToDoWithoutShowingTheKey() throws IOException {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        for (String key : List.of("not-a-base64-key!", shortKey, KEY + KEY)) {
            assertThatThrownBy(() -> new SecretCipher(key, data)).as(key)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("SMARTCHAT_MASTER_KEY").hasMessageContaining("openssl rand -base64 32")
                    .hasNoCause().message().doesNotContain(key);
        }
        Files.writeString(data.resolve("master.key"), "half-writ");
        assertThatThrownBy(() -> new SecretCipher("", data))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(data.resolve("master.key").toString()).hasMessageContaining("restore it from your backup")
                .message().doesNotContain("half-writ");
    }

    @Test
    void theGeneratedKeyFileIsItsOwnersAloneAndKeepsTheKey() throws IOException {
        Assumptions.assumeTrue(Files.getFileStore(data).supportsFileAttributeView(PosixFileAttributeView.class));
        Path dataDir = data.resolve("new");
        String sealed = new SecretCipher("", dataDir).encrypt("secret", "channel A");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("master.key"))))
                .isEqualTo("rw-------");
        assertThat(new SecretCipher("", dataDir).decrypt(sealed, "channel A")).isEqualTo("secret");
        assertThat(new SecretCipher(Files.readString(dataDir.resolve("master.key")), data).decrypt(sealed, "channel A"))
                .as("the file holds the key in the setting's spelling").isEqualTo("secret");
    }

    /** Many hosts starting at once on an empty directory, each round a new one: all read the same, whole key. */
    @Test
    void hostsStartingTogetherAllReadTheSameWholeKey() throws Exception {
        int hosts = 32;
        try (ExecutorService threads = Executors.newFixedThreadPool(hosts)) {
            for (int round = 0; round < 100; round++) {
                Path dataDir = data.resolve("round-" + round + "/data");
                CountDownLatch go = new CountDownLatch(1);
                List<Future<SecretCipher>> started = new ArrayList<>();
                for (int i = 0; i < hosts; i++) {
                    started.add(threads.submit((Callable<SecretCipher>) () -> {
                        go.await();
                        return new SecretCipher("", dataDir);
                    }));
                }
                go.countDown();
                List<SecretCipher> ciphers = new ArrayList<>();
                for (Future<SecretCipher> cipher : started) {
                    ciphers.add(cipher.get());
                }
                String sealed = ciphers.getFirst().encrypt("secret", "channel A");
                assertThat(ciphers).allSatisfy(cipher -> assertThat(cipher.decrypt(sealed, "channel A")).isEqualTo("secret"));
                try (Stream<Path> files = Files.list(dataDir)) {
                    assertThat(files.map(file -> file.getFileName().toString())).as("no temporary file left")
                            .containsExactly("master.key");
                }
            }
        }
    }

    /**
     * Through the host: a channel's secrets copied to another channel's row do not open there (that channel fails
     * and says why, the other runs), and a host given another master key than the one the secrets were saved with
     * does not start.
     */
    @Test
    void aCopiedSecretDoesNotOpenAndAWrongKeyStopsTheHost() {
        List<UUID> ids = new ArrayList<>();
        try (ConfigurableApplicationContext host = start(KEY)) {
            ApiClient api = ApiClient.admin(InProcessHost.port(host));
            String space = "/api/spaces/" + api.post("/api/spaces", Map.of("name", "Support")).body().get("id").asString();
            for (String[] channel : new String[][] {{"First", "good"}, {"Second", "other"}}) {
                Response created = api.post(space + "/channels",
                        Map.of("provider", "scripted", "settings", Map.of("name", channel[0], "key", channel[1])));
                assertThat(created.status()).isEqualTo(201);
                ids.add(UUID.fromString(created.body().get("id").asString()));
            }
            JdbcClient jdbc = JdbcClient.create(host.getBean(DataSource.class));
            String first = jdbc.sql("select secrets from channel where id = ?").param(ids.get(0))
                    .query(String.class).single();
            jdbc.sql("update channel set secrets = ? where id = ?").param(first)
                    .param(ids.get(1)).update();
        }

        assertThatThrownBy(() -> start(OTHER_KEY).close())
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("The master key is not the one the channels' secrets were saved with")
                .hasMessageContaining("SMARTCHAT_MASTER_KEY").message().doesNotContain(KEY).doesNotContain(OTHER_KEY);

        try (ConfigurableApplicationContext host = start(KEY)) {
            ChannelRepository channels = host.getBean(ChannelRepository.class);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(channels.find(ids.get(0)).orElseThrow().state()).isEqualTo(ChannelState.RUNNING);
                ChannelRecord copied = channels.find(ids.get(1)).orElseThrow();
                assertThat(copied.state()).isEqualTo(ChannelState.FAILED);
                assertThat(copied.stateReason()).contains("Cannot decrypt the secrets of channel " + ids.get(1));
            });
        }
    }

    private ConfigurableApplicationContext start(String masterKey) {
        return new SpringApplicationBuilder(SmartChatHostApplication.class).run("--server.port=0",
                "--smartchat.data-dir=" + data, "--smartchat.master-key=" + masterKey,
                "--spring.datasource.url=jdbc:h2:file:" + data.resolve("smartchat")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
                "--spring.datasource.username=sa", "--spring.datasource.password=");
    }

    private static String key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
