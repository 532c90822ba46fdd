package com.smartchat.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.JsonNode;

/**
 * The plugin jars this build makes (Telegram and the example Echo), loaded from the plugins directory as an operator
 * would install them: each finds its own copy of a library both carry, and the example's form is served with no
 * host code knowing it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BuiltPluginsTest {

    private static final Path BUILT_PLUGINS = Path.of("target/test-plugins");

    @LocalServerPort
    int port;
    PluginRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void twoPluginsCarryingDifferentVersionsOfJacksonEachUseTheirOwn() throws Exception {
        registry = new PluginRegistry(new PluginsProperties(BUILT_PLUGINS, Duration.ofSeconds(10)),
                new OperatorSettings(new MockEnvironment()));
        LoadedProvider telegram = registry.find("telegram").orElseThrow();
        LoadedProvider echo = registry.find("echo").orElseThrow();

        assertThat(jacksonVersion(echo)).isEqualTo("2.15.4");
        assertThat(jacksonVersion(telegram)).isNotEqualTo("2.15.4").startsWith("2.");
        assertThat(telegram.classLoader()).isNotSameAs(echo.classLoader());
        assertThat(telegram.origin().name()).isEqualTo("smartchat-telegram-plugin.jar");
    }

    @Test
    void theExamplePluginsFormIsServedAsJsonSchemaWithEveryFieldType() {
        Response response = ApiClient.admin(port).get("/api/providers/echo");

        assertThat(response.status()).isEqualTo(200);
        JsonNode properties = response.body().at("/schema/properties");
        assertThat(properties.propertyNames()).startsWith("name", "greeting");
        assertThat(properties.get("apiKey").get("writeOnly").asBoolean()).isTrue();
        assertThat(response.body().at("/uiSchema/fields").valueStream().map(field -> field.get("widget").asString()))
                .contains("text", "textarea", "password", "checkbox", "number", "select", "url");
    }

    @Test
    void theTelegramPluginIsRefusedWhenTheOperatorMistypesOrMisvaluesOneOfItsSettingsAndTheOthersLoad() {
        registry = new PluginRegistry(new PluginsProperties(BUILT_PLUGINS, Duration.ofSeconds(10)),
                new OperatorSettings(new MockEnvironment()
                        .withProperty("smartchat.plugins.telegram.poll-timeout", "120")
                        .withProperty("smartchat.plugins.telegram.webhook-max-conections", "10")));

        assertThat(registry.find("telegram")).isEmpty();
        assertThat(registry.find("echo")).isPresent();
        PluginReport telegram = registry.reports().stream()
                .filter(report -> report.origin().name().equals("smartchat-telegram-plugin.jar")).findFirst().orElseThrow();
        assertThat(telegram.state()).isEqualTo(PluginReport.State.FAILED);
        assertThat(telegram.reason()).isEqualTo("the operator's settings of provider telegram are wrong: "
                + "smartchat.plugins.telegram.poll-timeout must be between 0 and 90; "
                + "smartchat.plugins.telegram.webhook-max-conections is not a setting of provider telegram (it has "
                + "api-url, poll-timeout, webhook-check-interval, webhook-max-connections). Correct them (as property "
                + "or environment variable) and restart the host");
    }

    @Test
    void platformAdminsSeeTheTelegramSettingsWithTheirDefaults() {
        JsonNode settings = ApiClient.admin(port).get("/api/providers/telegram").body().get("settings");

        assertThat(settings.valueStream().map(setting -> setting.get("name").asString() + "="
                + setting.get("value").asString()))
                .containsExactly("api-url=https://api.telegram.org", "poll-timeout=50", "webhook-max-connections=40",
                        "webhook-check-interval=60");
    }

    private static String jacksonVersion(LoadedProvider provider) throws Exception {
        Class<?> packageVersion = provider.classLoader().loadClass("com.fasterxml.jackson.databind.cfg.PackageVersion");
        assertThat(packageVersion.getClassLoader()).isSameAs(provider.classLoader());
        return String.valueOf(packageVersion.getField("VERSION").get(null)).replace("com.fasterxml.jackson.core:jackson-databind:", "");
    }
}
