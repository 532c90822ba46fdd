package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.web.WebSession.Page;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Forms are generated from the provider's JSON Schema alone: the example Echo plugin, whose form has every field
 * type, gets its form with no page knowing it; errors show beside their fields, typed values survive, a secret never
 * comes back to the browser (it is kept on the server while the rest is corrected); Done on the form connects the
 * channel. The form's inline check answers with the account, or why not. A channel's settings are edited with the
 * same form. A new token of another account is explained and needs an explicit confirmation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GeneratedFormTest {

    private static final String CANARY_KEY = "echo_CANARY_7f3a9c";

    @LocalServerPort
    int port;
    WebSession browser;
    String space;

    @BeforeEach
    void signInAndCreateASpace() {
        browser = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        Page created = browser.post("/spaces", Map.of("name", "Forms"));
        space = created.location().replaceFirst("^https?://[^/]+", "");
    }

    @Test
    void theEchoFormHasEveryFieldTypeInTheApisOrderWithLabelsTiedToInputs() {
        String form = browser.get(space + "/channels/new/echo").body();
        List<String> apiOrder = new ArrayList<>();
        ApiClient.admin(port).get("/api/providers/echo").body().get("uiSchema").get("order")
                .forEach(name -> apiOrder.add(name.asString()));

        assertThat(ids(form)).containsExactlyElementsOf(apiOrder.stream().map(name -> "field-" + name).toList());
        for (String name : apiOrder) {
            assertThat(form).contains("<label for=\"field-" + name + "\"");
        }
        assertThat(input(form, "name")).contains("type=\"text\"", "required", "aria-describedby=\"field-name-help\"");
        assertThat(form).containsPattern("<textarea[^>]*id=\"field-greeting\"");
        assertThat(input(form, "apiKey")).contains("type=\"password\"", "placeholder=\"echo_demo_key\"",
                "minlength=\"8\"", "maxlength=\"64\"").doesNotContain("value=");
        assertThat(input(form, "botName")).contains("type=\"text\"", "value=\"Echo\"");
        assertThat(form).containsPattern("<textarea[^>]*id=\"field-template\"[^>]*>\\{text}</textarea>");
        assertThat(input(form, "shout")).contains("type=\"checkbox\"").doesNotContain("checked");
        assertThat(input(form, "delayMillis")).contains("type=\"number\"", "value=\"0\"", "min=\"0\"",
                "max=\"10000\"");
        assertThat(form).containsPattern("<select[^>]*id=\"field-format\"");
        assertThat(form).containsPattern("<option value=\"json\">JSON</option>");
        assertThat(input(form, "link")).contains("type=\"url\"");
        assertThat(form).contains("Any key that starts with echo_ works");
        assertThat(form.toLowerCase()).doesNotContain("telegram", "botfather");
    }

    @Test
    void errorsShowBesideTheirFieldsTypedValuesSurviveAndTheSecretIsKeptOnlyOnTheServer() {
        Map<String, String> typed = new LinkedHashMap<>(Map.of("s.name", "Echo desk", "s.greeting", "Hello there",
                "s.apiKey", CANARY_KEY, "s.botName", "Parrot", "s.template", "You said: {text}", "s.shout", "true",
                "s.delayMillis", "soon", "s.format", "json", "s.link", "not an address"));
        Page refused = browser.post(space + "/channels/new/echo", typed);

        assertThat(refused.status()).isEqualTo(422);
        String page = refused.body();
        assertThat(fieldError(page, "delayMillis")).contains("whole number");
        assertThat(fieldError(page, "link")).contains("http or https address");
        assertThat(page).doesNotContain("data-field-error=\"name\"", "data-field-error=\"apiKey\"",
                "data-field-error=\"greeting\"");
        assertThat(input(page, "name")).contains("value=\"Echo desk\"");
        assertThat(input(page, "botName")).contains("value=\"Parrot\"");
        assertThat(input(page, "delayMillis")).contains("value=\"soon\"");
        assertThat(input(page, "shout")).contains("checked");
        assertThat(page).contains("<option value=\"json\" selected=\"selected\">JSON</option>");
        assertThat(input(page, "apiKey")).doesNotContain("value=");
        assertThat(page).doesNotContain(CANARY_KEY).contains("Set, kept hidden: leave this empty to keep it");
        String draft = hidden(page, "draft");

        typed.put("s.apiKey", "");
        typed.put("s.delayMillis", "250");
        typed.put("s.link", "https://203.0.113.10/chat"); // a public address without DNS: tests run offline
        typed.put("draft", draft);
        Page done = browser.post(space + "/channels/new/echo", typed);

        assertThat(done.status()).as("Done on the form connects the channel").isEqualTo(302);
        String channel = done.location().replaceFirst("^https?://[^/]+", "");
        assertThat(channel).matches(space + "/channels/[0-9a-f-]{36}");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.get(channel).body().contains("data-state=\"RUNNING\""));
        String channelPage = browser.get(channel).body();
        assertThat(channelPage).contains("Echo desk", "Set, kept hidden", "You said: {text}").doesNotContain(CANARY_KEY);
        typed.put("s.name", "Echo desk again");
        Page again = browser.post(space + "/channels/new/echo", typed);
        assertThat(again.status()).as("a draft is used once").isEqualTo(422);
        assertThat(fieldError(again.body(), "apiKey")).startsWith("API key is required.");
    }

    /** The form's script asks as the credentials are entered: the account they lead to, or why not, never a secret. */
    @Test
    void theInlineCheckAnswersWithTheAccountOrTheRefusalAndNoSecret() {
        Page accepted = browser.post(space + "/channels/new/scripted/check", Map.of("s.name", "", "s.key", "inline-key"));
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.header("Content-Type")).startsWith("application/json");
        assertThat(accepted.body()).contains("\"username\":\"scripted_bot\"", "\"name\":\"Scripted account\"",
                "Channel Name is required.").doesNotContain("inline-key");

        Page refused = browser.post(space + "/channels/new/scripted/check", Map.of("s.name", "Inline", "s.key", "wrong"));
        assertThat(refused.body()).contains("\"key\":[\"This key is refused.\"]", "\"account\":null")
                .doesNotContain("\"wrong\"");
        assertThat(browser.get(space + "/channels").body()).as("a check connects nothing").doesNotContain("Inline");
    }

    /** Every setting can be changed on the channel's page with the same form; the saved key is shown only as set. */
    @Test
    void aChannelsSettingsAreEditedWithTheSameFormAndItsSecretStaysHidden() {
        String channel = connectScripted("Editable", "edit-key-1");
        String form = browser.get(channel).body();
        assertThat(form).contains("id=\"edit-settings\"");
        String edit = browser.get(channel + "/edit").body();
        assertThat(input(edit, "name")).contains("value=\"Editable\"");
        assertThat(input(edit, "key")).contains("type=\"password\"").doesNotContain("value=", "required");
        assertThat(edit).contains("Set, kept hidden").doesNotContain("edit-key-1");

        Page refused = browser.post(channel + "/edit", Map.of("s.name", "", "s.greeting", "Welcome", "s.key", "wrong"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(fieldError(refused.body(), "name")).isEqualTo("Channel Name is required.");
        assertThat(fieldError(refused.body(), "key")).isEqualTo("This key is refused.");
        assertThat(refused.body()).contains(">Welcome</textarea>").doesNotContain("\"wrong\"", "edit-key-1");

        Page saved = browser.post(channel + "/edit", Map.of("s.name", "Edited", "s.greeting", "Welcome", "s.key", ""));
        assertThat(saved.status()).isEqualTo(302);
        assertThat(browser.get(channel).body()).contains("The settings are saved", "Edited", "Welcome");
        var api = ApiClient.admin(port).get("/api" + channel).body();
        assertThat(api.get("settings").get("key").get("set").asBoolean()).as("the key kept").isTrue();
        assertThat(api.get("history").toString()).contains("updated");

        Page emptied = browser.post(channel + "/edit", Map.of("s.name", "Edited", "s.greeting", "", "s.key", ""));
        assertThat(emptied.status()).isEqualTo(302);
        assertThat(ApiClient.admin(port).get("/api" + channel).body().get("settings").has("greeting"))
                .as("a field left empty is emptied").isFalse();
    }

    /** Issue 14: the form's own rules and the plugin's check of meaning answer in one round. */
    @Test
    void oneRoundShowsEveryProblemTheFormsRulesAndThePluginsTogether() {
        Page refused = browser.post(space + "/channels/new/echo", Map.of("s.name", "", "s.apiKey", "wrong_prefix_key",
                "s.delayMillis", "20000", "s.template", "{text}", "s.format", "text"));

        assertThat(refused.status()).isEqualTo(422);
        String page = refused.body();
        assertThat(fieldError(page, "name")).isEqualTo("Channel Name is required.");
        assertThat(fieldError(page, "delayMillis")).isEqualTo("Echo delay (milliseconds) must be between 0 and 10000.");
        assertThat(fieldError(page, "apiKey")).startsWith("This is not an Echo API key");
        assertThat(page).contains("There are 3 problems");
    }

    @Test
    void aPluginThatFailsToCheckIsSaidSoBesideTheFormsOwnProblems() {
        Page failed = browser.post(space + "/channels/new/scripted", Map.of("s.name", "", "s.key", "crash"));

        assertThat(failed.status()).isEqualTo(422);
        assertThat(fieldError(failed.body(), "name")).isEqualTo("Channel Name is required.");
        assertThat(failed.body()).contains("The scripted plugin could not check these settings");
    }

    @Test
    void aTokenOfAnotherAccountIsExplainedAndNeedsAConfirmation() {
        String channel = connectScripted("Switcher", "first-key");
        Page token = browser.get(channel + "/token");
        assertThat(token.body()).contains("Replace the key", "type=\"password\"").doesNotContain("field-name");

        Page empty = browser.post(channel + "/token", Map.of("s.key", ""));
        assertThat(empty.status()).isEqualTo(422);
        assertThat(fieldError(empty.body(), "key")).isEqualTo("Paste the new key.");

        Page refused = browser.post(channel + "/token", Map.of("s.key", "wrong"));
        assertThat(fieldError(refused.body(), "key")).isEqualTo("This key is refused.");

        Page other = browser.post(channel + "/token", Map.of("s.key", "other-account-key"));
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.body()).contains("This is another account", "confirm-switch",
                "These settings connect @scripted_bot (account other), not @scripted_bot (account account-1)")
                .doesNotContain("other-account-key");
        assertThat(browser.get(channel + "/token").status()).isEqualTo(200);

        Page confirmed = browser.post(channel + "/token/confirm", Map.of("draft", hidden(other.body(), "draft")));
        assertThat(confirmed.status()).isEqualTo(302);
        assertThat(browser.get(channel).body()).contains("now talks through @scripted_bot");
        assertThat(ApiClient.admin(port).get("/api" + channel).body().get("history").toString()).contains("token-replaced");
    }

    @Test
    void deletingAsksWhatHappensToTheHistory() {
        String channel = connectScripted("Short-lived", "key");
        String confirmation = browser.get(channel + "/delete").body();
        assertThat(confirmation).contains("Keep them.", "Delete them too.", "cannot be undone",
                "id=\"history-keep\" name=\"history\" value=\"keep\" checked");

        Page deleted = browser.post(channel + "/delete", Map.of("history", "keep"));
        assertThat(deleted.location()).endsWith(space + "/channels");
        assertThat(browser.get(space + "/channels").body()).contains("stay in the inbox").doesNotContain("Short-lived</a>");
        assertThat(browser.get(channel).status()).isEqualTo(404);
    }

    private String connectScripted(String name, String key) {
        Page done = browser.post(space + "/channels/new/scripted", Map.of("s.name", name, "s.key", key));
        assertThat(done.status()).isEqualTo(302);
        String channel = done.location().replaceFirst("^https?://[^/]+", "");
        assertThat(browser.get(channel).body()).contains("is connected"); // as a browser follows the redirect
        return channel;
    }

    /** The ids of the generated inputs, in page order. */
    private static List<String> ids(String page) {
        List<String> ids = new ArrayList<>();
        Matcher matcher = Pattern.compile("<(?:input|textarea|select)[^>]*\\sid=\"(field-[A-Za-z0-9_]+)\"").matcher(page);
        while (matcher.find()) {
            ids.add(matcher.group(1));
        }
        return ids;
    }

    private static String input(String page, String field) {
        Matcher matcher = Pattern.compile("<input[^>]*\\sid=\"field-" + field + "\"[^>]*>").matcher(page);
        assertThat(matcher.find()).as("input " + field).isTrue();
        return matcher.group();
    }

    private static String fieldError(String page, String field) {
        Matcher matcher = Pattern.compile("data-field-error=\"" + field + "\">\\s*<span[^>]*>([^<]*)</span>").matcher(page);
        assertThat(matcher.find()).as("error beside " + field).isTrue();
        return matcher.group(1);
    }

    private static String hidden(String page, String name) {
        Matcher matcher = Pattern.compile("<input type=\"hidden\" name=\"" + name + "\" value=\"([^\"]+)\"").matcher(page);
        assertThat(matcher.find()).as("hidden " + name).isTrue();
        return matcher.group(1);
    }
}
