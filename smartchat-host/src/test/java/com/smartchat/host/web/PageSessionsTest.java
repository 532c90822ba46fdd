package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import com.smartchat.host.web.WebSession.Page;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Page sessions live in the database (so that any host of a cluster serves any signed-in page): what a session
 * keeps there holds no secret in the clear, not even the key of a channel form waiting for "Done".
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PageSessionsTest {

    private static final String KEY = "a-key-nobody-may-read-0123456789";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aSessionInTheDatabaseKeepsAFormsSecretOnlyEncrypted() {
        String space = ApiClient.admin(port).post("/api/spaces", Map.of("name", "Sessions")).body().get("id").asString();
        WebSession admin = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);

        Page refused = admin.post("/spaces/" + space + "/channels/new/scripted", Map.of("s.name", "", "s.key", KEY));

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body()).as("the accepted key waits in a draft while the name is corrected")
                .contains("name=\"draft\"").doesNotContain(KEY);
        List<byte[]> stored = jdbc.sql("select attribute_bytes from spring_session_attributes").query(byte[].class).list();
        assertThat(stored).as("session attributes in the database").isNotEmpty()
                .anySatisfy(bytes -> assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("ChannelDrafts"))
                .allSatisfy(bytes -> assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain(KEY));
    }
}
