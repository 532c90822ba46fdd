package com.smartchat.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.channel.spi.ChannelProvider;
import com.smartchat.channel.spi.SpiVersion;
import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.security.Role;
import com.smartchat.host.security.UserAccounts;
import java.io.IOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The providers API and the plugins' health and info, over HTTP, on a host with good and broken plugin jars. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProvidersApiTest {

    private static final String LOGO = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>";

    @TempDir
    static Path pluginsDir;

    /** The operator's settings of the providers tuned and mistuned. */
    private static final String TUNED_SETTINGS = """
            return java.util.List.of(
                ProviderSetting.url("api-url").help("The API server.").defaultValue("https://api.example.com").build(),
                ProviderSetting.number("retries").help("Attempts per message.").defaultValue("3").minimum(0)
                    .maximum(10).build(),
                ProviderSetting.bool("verbose").help("Logs each request.").defaultValue("false").build(),
                ProviderSetting.secret("api-key").help("The key every channel presents.").build());""";

    @LocalServerPort
    int port;

    @Autowired
    UserAccounts accounts;

    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void writePlugins() throws IOException {
        PluginJar.named("echo.jar").version("1.2.3")
                .provider(FixtureProvider.of("com.acme.EchoProvider", "echo")
                        .method("logoSvg", "return \"" + LOGO.replace("\"", "\\\"") + "\";")
                        .method("schema", """
                                return FormSchema.builder().version(2)
                                    .field(FormField.secret("token").label("Token").help("From the echo console.")
                                        .placeholder("123:abc").required().minLength(5)
                                        .pattern("\\\\d+:\\\\w+", "Paste id:key.")
                                        .build())
                                    .field(FormField.choice("mode").label("Mode").choice("loud", "Loud")
                                        .choice("quiet", "Quiet").defaultValue("loud").build())
                                    .field(FormField.bool("replies").label("Replies").defaultValue("true").build())
                                    .field(FormField.number("retries").label("Retries").defaultValue("3")
                                        .placeholder("5").minimum(0).maximum(10).build())
                                    .field(FormField.url("endpoint").label("Endpoint").build())
                                    .build();""")
                        .method("rateLimits", "return java.util.List.of(new RateLimit(RateLimit.Scope.CHANNEL, 30,"
                                + " java.time.Duration.ofSeconds(1), 30));"))
                .writeTo(pluginsDir);
        PluginJar.named("plain.jar").provider(FixtureProvider.of("com.acme.PlainProvider", "plain")).writeTo(pluginsDir);
        PluginJar.named("tuned.jar").provider(FixtureProvider.of("com.acme.TunedProvider", "tuned")
                .method("providerSettings", TUNED_SETTINGS)).writeTo(pluginsDir);
        PluginJar.named("mistuned.jar").provider(FixtureProvider.of("com.acme.MistunedProvider", "mistuned")
                .method("providerSettings", TUNED_SETTINGS)).writeTo(pluginsDir);
        PluginJar.named("future.jar").version("2.0.0")
                .provider(FixtureProvider.of("com.acme.FutureProvider", "future").method("spiVersion", "return \"2.0\";"))
                .writeTo(pluginsDir);
        Path broken = PluginJar.named("broken.jar").provider(FixtureProvider.of("com.acme.BrokenProvider", "broken"))
                .writeTo(pluginsDir);
        Files.write(broken, Arrays.copyOf(Files.readAllBytes(broken), 100));
    }

    @DynamicPropertySource
    static void plugins(DynamicPropertyRegistry properties) {
        properties.add("smartchat.plugins.dir", () -> pluginsDir.toString());
        properties.add("smartchat.plugins.tuned.retries", () -> "7");
        properties.add("smartchat.plugins.tuned.api-key", () -> "s3cret-operator-key");
        properties.add("smartchat.plugins.mistuned.retries", () -> "11");
        properties.add("smartchat.plugins.mistuned.verbose", () -> "yes");
        properties.add("smartchat.plugins.mistuned.api-urll", () -> "https://typo.example.com");
        properties.add("smartchat.plugins.mistuned.api-key", () -> "s3cret-operator-key");
    }

    @Test
    void listsTheLoadedProvidersAndTheFailedPluginsWithTheirReasons() throws Exception {
        Response response = admin().get("/api/providers");

        assertThat(response.status()).isEqualTo(200);
        JsonNode list = response.body();
        JsonNode echo = find(list.get("providers"), "id", "echo");
        assertThat(echo.get("displayName").asString()).isEqualTo("Display name of echo");
        assertThat(echo.get("description").asString()).isEqualTo("Connects echo test channels.");
        assertThat(echo.get("spiVersion").asString()).isEqualTo(ChannelProvider.SPI_VERSION);
        assertThat(echo.get("origin").asString()).isEqualTo("echo.jar");
        assertThat(echo.get("pluginVersion").asString()).isEqualTo("1.2.3");
        assertThat(echo.get("state").asString()).isEqualTo("LOADED");
        assertThat(echo.get("icon").asString()).isEqualTo("/api/providers/echo/icon");
        assertThat(find(list.get("providers"), "id", "plain").get("icon").isNull()).isTrue();
        JsonNode future = find(list.get("failedPlugins"), "origin", "future.jar");
        assertThat(future.get("state").asString()).isEqualTo("FAILED");
        assertThat(future.get("pluginVersion").asString()).isEqualTo("2.0.0");
        assertThat(future.get("reason").asString())
                .isEqualTo("built for SPI 2.0; this host runs SPI " + SpiVersion.CURRENT + ": install a version of the plugin built for SPI 1.x");
        assertThat(find(list.get("failedPlugins"), "origin", "broken.jar").get("reason").asString())
                .startsWith("not a readable jar file");
    }

    @Test
    void servesAProvidersFormAsJsonSchemaWithSecretsWriteOnly() throws Exception {
        Response response = admin().get("/api/providers/echo");

        assertThat(response.status()).isEqualTo(200);
        JsonNode echo = response.body();
        assertThat(echo.get("id").asString()).isEqualTo("echo");
        assertThat(echo.get("origin").asString()).isEqualTo("echo.jar");
        assertThat(echo.get("formVersion").asInt()).isEqualTo(2);
        JsonNode schema = echo.get("schema");
        assertThat(schema.get("$schema").asString()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.get("type").asString()).isEqualTo("object");
        assertThat(schema.get("title").asString()).isEqualTo("Display name of echo");
        JsonNode properties = schema.get("properties");
        assertThat(properties.propertyNames())
                .containsExactly("name", "greeting", "token", "mode", "replies", "retries", "endpoint");
        assertThat(json.readTree("""
                {"type": "string", "title": "Channel Name",
                 "description": "Private to the platform: your audience never sees it.",
                 "examples": ["Support bot"], "maxLength": 100}""")).isEqualTo(properties.get("name"));
        assertThat(json.readTree("""
                {"type": "string", "title": "Token", "description": "From the echo console.", "examples": ["123:abc"],
                 "minLength": 5, "pattern": "^(?:\\\\d+:\\\\w+)$", "writeOnly": true}""")).isEqualTo(properties.get("token"));
        assertThat(json.readTree("""
                {"type": "string", "title": "Mode",
                 "oneOf": [{"const": "loud", "title": "Loud"}, {"const": "quiet", "title": "Quiet"}],
                 "default": "loud"}""")).isEqualTo(properties.get("mode"));
        assertThat(json.readTree("""
                {"type": "boolean", "title": "Replies", "default": true}""")).isEqualTo(properties.get("replies"));
        assertThat(json.readTree("""
                {"type": "integer", "title": "Retries", "examples": [5], "minimum": 0, "maximum": 10,
                 "default": 3}""")).isEqualTo(properties.get("retries"));
        assertThat(json.readTree("""
                {"type": "string", "title": "Endpoint", "format": "uri"}""")).isEqualTo(properties.get("endpoint"));
        assertThat(schema.get("required")).isEqualTo(json.readTree("[\"name\", \"token\"]"));
        assertThat(json.readTree("""
                {"order": ["name", "greeting", "token", "mode", "replies", "retries", "endpoint"],
                 "fields": {"name": {"widget": "text"}, "greeting": {"widget": "textarea"},
                            "token": {"widget": "password", "patternMessage": "Paste id:key."},
                            "mode": {"widget": "select"}, "replies": {"widget": "checkbox"},
                            "retries": {"widget": "number"}, "endpoint": {"widget": "url"}}}
                """)).isEqualTo(echo.get("uiSchema"));
        assertThat(json.readTree("""
                [{"scope": "CHANNEL", "permits": 30, "period": "PT1S", "burst": 30}]
                """)).isEqualTo(echo.get("rateLimits"));
    }

    @Test
    void anUnknownProviderIsAProblemDetail404() throws Exception {
        Response response = admin().get("/api/providers/future");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        JsonNode problem = response.body();
        assertThat(problem.get("status").asInt()).isEqualTo(404);
        assertThat(problem.get("title").asString()).isEqualTo("Unknown provider");
        assertThat(problem.get("detail").asString()).isEqualTo("No provider 'future' is loaded. GET /api/providers "
                + "lists the providers, and the plugins that failed to load.");
    }

    @Test
    void servesTheIconAsAnSvgThatCanRunAndLoadNothing() throws Exception {
        HttpResponse<String> response = getWithHeaders("/api/providers/echo/icon");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/svg+xml");
        assertThat(response.headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'none'; style-src 'unsafe-inline'");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.body()).isEqualTo(LOGO);
    }

    @Test
    void aProviderWithoutIconHasAProblemDetail404ForIt() throws Exception {
        Response response = admin().get("/api/providers/plain/icon");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body().get("detail").asString()).isEqualTo("Provider 'plain' has no icon.");
    }

    @Test
    void healthShowsEachPluginAndWhyTheFailedOnesFailedWhileTheHostStaysUp() throws Exception {
        Response response = admin().get("/actuator/health");

        assertThat(response.status()).isEqualTo(200);
        JsonNode health = response.body();
        // a failed plugin never makes the host DOWN (this host has no channel of its own, nor another test's)
        assertThat(health.get("status").asString()).isEqualTo("UP");
        JsonNode plugins = health.at("/components/plugins");
        assertThat(plugins.get("status").asString()).isEqualTo("UP");
        assertThat(json.readTree("""
                {"state": "LOADED", "version": "1.2.3", "providers": ["echo"]}
                """)).isEqualTo(plugins.at("/details/echo.jar"));
        assertThat(json.readTree("""
                {"state": "FAILED", "version": "2.0.0",
                 "reason": "built for SPI 2.0; this host runs SPI %s: install a version of the plugin built for SPI 1.x"}
                """.formatted(SpiVersion.CURRENT))).isEqualTo(plugins.at("/details/future.jar"));
        assertThat(plugins.at("/details/broken.jar/reason").asString()).startsWith("not a readable jar file");
    }

    @Test
    void infoListsTheLoadedPluginsWithTheirVersions() throws Exception {
        Response response = admin().get("/actuator/info");

        assertThat(response.status()).isEqualTo(200);
        JsonNode plugins = response.body().get("plugins");
        assertThat(json.readTree("""
                {"state": "LOADED", "version": "1.2.3", "providers": ["echo"]}
                """)).isEqualTo(plugins.get("echo.jar"));
        assertThat(plugins.has("plain.jar")).isTrue();
        assertThat(plugins.has("future.jar")).isFalse();
    }

    @Test
    void platformAdminsSeeEachDeclaredSettingWithItsValueOrDefaultAndNeverASecretsValue() throws Exception {
        Response response = admin().get("/api/providers/tuned");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).doesNotContain("s3cret-operator-key");
        JsonNode settings = response.body().get("settings");
        assertThat(json.readTree("""
                [{"name": "api-url", "property": "smartchat.plugins.tuned.api-url",
                  "environmentVariable": "SMARTCHAT_PLUGINS_TUNED_API_URL", "type": "URL", "help": "The API server.",
                  "defaultValue": "https://api.example.com", "minimum": null, "maximum": null, "secret": false,
                  "value": "https://api.example.com", "set": false},
                 {"name": "retries", "property": "smartchat.plugins.tuned.retries",
                  "environmentVariable": "SMARTCHAT_PLUGINS_TUNED_RETRIES", "type": "NUMBER",
                  "help": "Attempts per message.", "defaultValue": "3", "minimum": 0, "maximum": 10, "secret": false,
                  "value": "7", "set": true},
                 {"name": "verbose", "property": "smartchat.plugins.tuned.verbose",
                  "environmentVariable": "SMARTCHAT_PLUGINS_TUNED_VERBOSE", "type": "BOOLEAN",
                  "help": "Logs each request.", "defaultValue": "false", "minimum": null, "maximum": null,
                  "secret": false, "value": "false", "set": false},
                 {"name": "api-key", "property": "smartchat.plugins.tuned.api-key",
                  "environmentVariable": "SMARTCHAT_PLUGINS_TUNED_API_KEY", "type": "SECRET",
                  "help": "The key every channel presents.", "defaultValue": null, "minimum": null, "maximum": null,
                  "secret": true, "value": null, "set": true}]""")).isEqualTo(settings);
        assertThat(admin().get("/api/providers/plain").body().get("settings").isEmpty()).isTrue();
    }

    @Test
    void aSpaceAdminDoesNotSeeTheOperatorsSettings() {
        accounts.save("settings.viewer", "{noop}viewer-password", Role.SPACE_ADMIN);

        Response response = ApiClient.as(port, "settings.viewer", "viewer-password").get("/api/providers/tuned");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().has("settings")).isFalse();
    }

    @Test
    void aPluginWhoseOperatorSettingsAreWrongIsListedAsFailedNamingEachPropertyAndNoValue() {
        JsonNode list = admin().get("/api/providers").body();

        JsonNode mistuned = find(list.get("failedPlugins"), "origin", "mistuned.jar");
        assertThat(mistuned.get("reason").asString()).isEqualTo("the operator's settings of provider mistuned are "
                + "wrong: smartchat.plugins.mistuned.api-urll is not a setting of provider mistuned (it has api-key, "
                + "api-url, retries, verbose); smartchat.plugins.mistuned.retries must be between 0 and 10; "
                + "smartchat.plugins.mistuned.verbose must be true or false. Correct them (as property or "
                + "environment variable) and restart the host");
        assertThat(list.toString()).doesNotContain("s3cret-operator-key").doesNotContain("typo.example.com");
        assertThat(admin().get("/api/providers/mistuned").status()).isEqualTo(404);
        assertThat(find(list.get("providers"), "id", "tuned").get("state").asString()).isEqualTo("LOADED");
    }

    private ApiClient admin() {
        return ApiClient.admin(port);
    }

    /** A GET as the admin whose response keeps its headers, which {@link ApiClient} leaves out. */
    private HttpResponse<String> getWithHeaders(String path) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().authenticator(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD.toCharArray());
            }
        }).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode element : array) {
            if (element.get(field).asString().equals(value)) {
                return element;
            }
        }
        throw new AssertionError("no element with " + field + " " + value + " in " + array);
    }
}
