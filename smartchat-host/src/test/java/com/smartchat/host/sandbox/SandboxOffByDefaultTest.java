package com.smartchat.host.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import com.smartchat.host.web.WebSession;
import com.smartchat.telegram.emulator.BotApiEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Without {@code smartchat.sandbox.enabled=true} there is no sandbox: no emulator, no sandbox pages, no banner, and
 * the Telegram plugin's Bot API address is whatever the operator set (by default Telegram's own).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SandboxOffByDefaultTest {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    ConfigurableEnvironment environment;

    @Test
    void theApplicationPropertiesTurnItOff() throws IOException {
        Properties defaults = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            defaults.load(in);
        }
        assertThat(defaults.getProperty(SandboxEnvironment.ENABLED)).isEqualTo("false");
    }

    @Test
    void noEmulatorNoPagesNoBanner() {
        assertThat(context.getBeansOfType(BotApiEmulator.class)).isEmpty();
        assertThat(context.getBeansOfType(SandboxTelegram.class)).isEmpty();
        assertThat(environment.getPropertySources().contains(SandboxEnvironment.PROPERTY_SOURCE)).isFalse();
        assertThat(context.getBean(SandboxMode.class).isEnabled()).isFalse();

        WebSession admin = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        assertThat(admin.get("/sandbox/botfather").status()).isEqualTo(404);
        assertThat(admin.get("/sandbox/audience").status()).isEqualTo(404);
        assertThat(admin.post("/sandbox/botfather", java.util.Map.of("text", "/newbot")).status()).isEqualTo(404);
        assertThat(admin.get("/spaces").body()).doesNotContain("data-sandbox-banner");
        assertThat(WebSession.anonymous(port).get("/login").body()).doesNotContain("data-sandbox-banner");
    }
}
