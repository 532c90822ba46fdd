package com.smartchat.host.channels;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The rules a plugin's form declares, as the API applies them to the example Echo plugin: what an admin sends is
 * checked against each field's limits, and what they leave out takes the field's default.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FormRulesApiTest {

    @LocalServerPort
    int port;
    ApiClient api;
    String space;

    @BeforeEach
    void createSpace() {
        api = ApiClient.admin(port);
        space = "/api/spaces/" + api.post("/api/spaces", Map.of("name", "Rules")).body().get("id").asString();
    }

    @Test
    void aTooShortTextAndANumberOutOfRangeAreRefusedWithTheirLimits() {
        Response response = api.post(space + "/channels/validate", Map.of("provider", "echo", "settings",
                Map.of("name", "Echo desk", "apiKey", "echo_1", "delayMillis", 20_000)));

        JsonNode errors = response.body().get("fieldErrors");
        assertThat(response.body().get("valid").asBoolean()).isFalse();
        assertThat(errors.get("apiKey").get(0).asString())
                .isEqualTo("API key must be at least 8 characters long (it has 6).");
        assertThat(errors.get("delayMillis").get(0).asString())
                .isEqualTo("Echo delay (milliseconds) must be between 0 and 10000.");
    }

    /**
     * Echo checks the whole form again in validate(), and so reports the name it was not given as missing: the host
     * shows only its own message for a value it refused, and Echo's verdict on the key beside it.
     */
    @Test
    void theProvidersMessageOnAValueItWasNotGivenGivesWayToTheHosts() {
        Response response = api.post(space + "/channels/validate", Map.of("provider", "echo", "settings",
                Map.of("name", 42, "apiKey", "wrong_prefix_key")));

        JsonNode errors = response.body().get("fieldErrors");
        assertThat(errors.get("name").size()).isEqualTo(1);
        assertThat(errors.get("name").get(0).asString()).isEqualTo("Channel Name must be text.");
        assertThat(errors.get("apiKey").get(0).asString()).startsWith("This is not an Echo API key");
    }

    /** As the form shows them pre-filled: a channel created over the API without them gets the same values. */
    @Test
    void aChannelCreatedWithoutOptionalFieldsGetsTheirDefaults() {
        Response created = api.post(space + "/channels", Map.of("provider", "echo", "settings",
                Map.of("name", "Echo desk", "apiKey", "echo_demo_key")));

        assertThat(created.status()).isEqualTo(201);
        JsonNode settings = api.get(space + "/channels/" + created.body().get("id").asString()).body().get("settings");
        assertThat(settings.get("delayMillis").isIntegralNumber()).isTrue();
        assertThat(settings.get("delayMillis").asLong()).isZero();
        assertThat(settings.get("shout").asBoolean(true)).isFalse();
        assertThat(settings.get("botName").asString()).isEqualTo("Echo");
        assertThat(settings.get("template").asString()).isEqualTo("{text}");
        assertThat(settings.get("format").asString()).isEqualTo("text");
        assertThat(settings.has("link")).as("no default, left out").isFalse();
    }

    @Test
    void aValueGivenOverridesTheDefaultAndAnEmptyOneTakesIt() {
        Response created = api.post(space + "/channels", Map.of("provider", "echo", "settings",
                Map.of("name", "Echo desk", "apiKey", "echo_demo_key", "delayMillis", 250, "botName", " ")));

        JsonNode settings = api.get(space + "/channels/" + created.body().get("id").asString()).body().get("settings");
        assertThat(settings.get("delayMillis").asLong()).isEqualTo(250);
        assertThat(settings.get("botName").asString()).isEqualTo("Echo");
    }
}
