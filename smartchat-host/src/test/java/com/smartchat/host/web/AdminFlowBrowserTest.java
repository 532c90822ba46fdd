package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.SentMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The platform's own flow in a real browser (headless Chromium), against the host with the Telegram plugin jar and
 * the Bot API emulator: sign in, create a Space, Settings, Manage Channels, Add Channel, Telegram, the generated
 * form with its errors, the token checked as it is entered (the bot's name, @username and link beside it, or the
 * refusal), Done on the form; the channel runs; a Telegram user writes and is greeted, the message appears in the
 * open inbox without a reload, the agent's reply reaches them; the token is replaced, the settings are edited on the
 * channel's page (the token shown only as set, then replaced there too), the channel stopped and started. No page
 * ever holds a token. Each step leaves a screenshot in {@code target/screenshots/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AdminFlowBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String GREETING = "Hi! Thanks for writing. An agent will answer shortly.";
    private static final String NEW_GREETING = "Hello from the Acme help desk! We answer within the hour.";
    private static final String BLUE = "rgba(31, 95, 208, 1)";

    static BotApiEmulator telegram;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void telegramEmulator(DynamicPropertyRegistry registry) {
        if (telegram == null) {
            telegram = BotApiEmulator.start();
        }
        registry.add("smartchat.plugins.telegram.api-url", telegram::baseUrl);
        registry.add("smartchat.plugins.telegram.poll-timeout", () -> "1");
    }

    @BeforeAll
    static void theBrowserIsInstalled() {
        Browser.requireInstalled();
    }

    @AfterAll
    static void stopTelegram() {
        if (telegram != null) {
            telegram.close();
            telegram = null;
        }
    }

    @Test
    void anAdminConnectsTelegramAndServesTheAudienceFromTheInbox() {
        EmulatedBot bot = telegram.createBot("Acme Support", "acme_support_bot");
        EmulatedBot otherBot = telegram.createBot("Acme Sales", "acme_sales_bot");
        EmulatedUser alice = telegram.createUser("Alice", "alice", "en");
        try (Browser browser = new Browser(port)) {
            try {
                flow(browser, bot, otherBot, alice);
            } catch (RuntimeException | AssertionError failure) {
                browser.screenshot("FAILED-" + browser.path().replaceAll("[^A-Za-z0-9]+", "-"));
                throw failure;
            }
        }
    }

    private void flow(Browser browser, EmulatedBot bot, EmulatedBot otherBot, EmulatedUser alice) {
        {
            // sign in
            browser.open("/spaces");
            assertThat(browser.path()).startsWith("/login");
            browser.screenshot("sign-in");
            browser.signIn(ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
            browser.await(WAIT, driver -> browser.path().startsWith("/spaces"));

            // create a Space
            browser.byId("space-name").sendKeys("Acme");
            browser.find(By.xpath("//button[normalize-space()='Create Space']")).click();
            browser.await(WAIT, driver -> driver.findElement(By.tagName("h1")).getText().equals("Acme"));
            browser.screenshot("space");
            String spacePage = browser.path();
            browser.find(By.linkText("Users")).click();
            assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Users");
            browser.screenshot("users");
            browser.open(spacePage);

            // Settings -> Manage Channels -> the blue "Add Channel" -> the Channel Connection menu
            browser.find(By.linkText("Settings")).click();
            browser.find(By.linkText("Manage Channels")).click();
            WebElement addChannel = browser.byId("add-channel");
            assertThat(addChannel.getText()).isEqualTo("Add Channel");
            assertThat(addChannel.getCssValue("background-color")).isEqualTo(BLUE);
            browser.screenshot("manage-channels-empty");
            addChannel.click();
            assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Channel Connection");
            WebElement telegramCard = browser.find(By.cssSelector("a[data-provider=telegram]"));
            assertThat(telegramCard.getText()).contains("Telegram");
            assertThat(telegramCard.findElement(By.tagName("img")).getAttribute("alt")).isEqualTo("Telegram logo");
            assertThat(telegramCard.findElement(By.tagName("img")).getAttribute("src")).startsWith("data:image/svg+xml;base64,");
            assertThat(browser.present(By.cssSelector("a[data-provider=echo]"))).isTrue();
            browser.screenshot("add-channel-menu");
            telegramCard.click();

            // the generated form: Channel Name, Greeting Message, Token
            assertThat(browser.find(By.cssSelector("label[for=field-name]")).getText()).contains("Channel Name");
            assertThat(browser.byId("field-name-help").getText()).contains("Private to the platform");
            assertThat(browser.byId("field-greeting").getTagName()).isEqualTo("textarea");
            assertThat(browser.byId("field-greeting-help").getText()).contains("Optional", "first contacts you");
            WebElement token = browser.byId("field-token");
            assertThat(token.getAttribute("type")).isEqualTo("password");
            assertThat(token.getAttribute("placeholder")).matches("\\d+:[A-Za-z0-9_-]{30,}");
            assertThat(browser.byId("field-token-help").getText()).contains("BotFather", "/token");
            browser.screenshot("telegram-form");

            // the form's primary (and only blue) button is Done
            WebElement done = browser.byId("done");
            assertThat(done.getText()).isEqualTo("Done");
            assertThat(done.getCssValue("background-color")).isEqualTo(BLUE);
            assertThat(browser.driver.findElements(By.cssSelector("#channel-form .primary"))).hasSize(1);

            // Done on the empty form: errors beside Channel Name and Token, none beside Greeting Message
            done.click();
            assertThat(fieldError(browser, "name")).isEqualTo("Channel Name is required.");
            assertThat(fieldError(browser, "token")).startsWith("Token is required.");
            assertThat(browser.present(By.cssSelector("[data-field-error=greeting]"))).isFalse();
            assertThat(browser.driver.switchTo().activeElement().getAttribute("data-error-summary")).isNotNull();
            browser.screenshot("form-errors-empty");

            // a malformed token: checked as the admin leaves the field, its error beside it at once
            browser.byId("field-name").sendKeys("Acme Support");
            browser.byId("field-greeting").sendKeys(GREETING);
            browser.byId("field-token").sendKeys("12345:short", Keys.TAB);
            browser.await(WAIT, driver -> inlineError(browser).contains("does not look like a bot token"));
            browser.screenshot("form-inline-check-malformed-token");

            // Done anyway: the server says the same beside the field; the typed values survive, the secret does not
            browser.byId("done").click();
            browser.await(WAIT, driver -> browser.byId("field-token").getAttribute("value").isEmpty());
            assertThat(fieldError(browser, "token")).contains("does not look like a bot token");
            assertThat(browser.present(By.cssSelector("[data-field-error=name]"))).isFalse();
            assertThat(browser.byId("field-name").getAttribute("value")).isEqualTo("Acme Support");
            assertThat(browser.byId("field-greeting").getAttribute("value")).isEqualTo(GREETING);
            assertNoSecret(browser, "12345:short");
            browser.screenshot("form-error-malformed-token");

            // a token Telegram refuses: the refusal in Telegram's terms, beside the field, before Done
            String refused = "999999:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
            browser.byId("field-token").sendKeys(refused, Keys.TAB);
            browser.await(WAIT, driver -> inlineError(browser).startsWith("Telegram refused this token"));
            assertThat(browser.present(By.cssSelector("[data-error-summary]"))).as("the stale list of problems is gone")
                    .isFalse();
            assertNoSecret(browser, refused);
            browser.screenshot("form-inline-check-refused-token");

            // the bot's token: its name, @username and t.me link beside the field, before Done
            browser.byId("field-token").clear();
            browser.byId("field-token").sendKeys(bot.token(), Keys.TAB);
            browser.await(WAIT, driver -> browser.present(By.cssSelector("[data-preview]")));
            assertThat(browser.find(By.cssSelector("[data-field=token] [data-preview-name]")).getText()).isEqualTo("Acme Support");
            WebElement username = browser.find(By.cssSelector("[data-field=token] a[data-preview-username]"));
            assertThat(username.getText()).isEqualTo("@acme_support_bot");
            assertThat(username.getAttribute("href")).isEqualTo("https://t.me/acme_support_bot");
            assertThat(browser.text(By.cssSelector("[data-preview-link]"))).isEqualTo("https://t.me/acme_support_bot");
            assertThat(browser.present(By.cssSelector("[data-field-error=token]"))).as("the refusal is gone").isFalse();
            assertThat(browser.path()).as("still the form").endsWith("/channels/new/telegram");
            assertNoSecret(browser, bot.token());
            browser.screenshot("form-inline-check-identity");

            // Done connects the channel and opens its page
            browser.byId("done").click();

            // the channel's page: RUNNING, and the @username link
            awaitState(browser, "RUNNING");
            assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Acme Support");
            WebElement link = browser.byId("identity-link");
            assertThat(link.getText()).isEqualTo("@acme_support_bot");
            assertThat(link.getAttribute("href")).isEqualTo("https://t.me/acme_support_bot");
            assertNoSecret(browser, bot.token());
            browser.screenshot("channel-running");
            String channelPage = browser.path();

            // the inbox, open while an audience member writes: the greeting reaches them, the message appears
            browser.find(By.linkText("Open the inbox")).click();
            browser.await(WAIT, driver -> "on".equals(driver.findElement(By.cssSelector("[data-inbox]")).getAttribute("data-live")));
            browser.script("window.__sameDocument = true;");
            alice.send(bot, "Hello, is anyone there?");
            List<SentMessage> greeted = telegram.awaitSent(alice, bot, 1, WAIT);
            assertThat(greeted.getFirst().text()).isEqualTo(GREETING);
            browser.await(WAIT, driver -> driver.findElement(By.id("conversation-list")).getText().contains("Alice"));
            assertThat(browser.find(By.cssSelector("#conversation-list [data-unread]")).getText()).isEqualTo("1 unread");
            assertThat(browser.script("return window.__sameDocument === true;")).isEqualTo(true);
            browser.screenshot("inbox-new-conversation");

            browser.click(By.cssSelector("#conversation-list a.conversation"));
            browser.await(WAIT, driver -> driver.findElement(By.id("transcript")).getText().contains("Hello, is anyone there?"));
            browser.await(WAIT, driver -> driver.findElement(By.id("transcript")).getText().contains(GREETING));
            browser.await(WAIT, driver -> !driver.findElements(By.cssSelector("#transcript [data-status=SENT]")).isEmpty());
            browser.await(WAIT, driver -> "on".equals(driver.findElement(By.cssSelector("[data-inbox]")).getAttribute("data-live")));
            browser.script("window.__sameDocument = true;");
            alice.send(bot, "I cannot log in to my account.");
            browser.await(WAIT, driver -> driver.findElement(By.id("transcript")).getText().contains("I cannot log in to my account."));
            assertThat(browser.script("return window.__sameDocument === true;")).isEqualTo(true);
            browser.screenshot("inbox-transcript-live");

            // the agent replies: queued, then sent, and it reaches Alice
            browser.byId("reply-text").sendKeys("Sorry to hear that! Which e-mail address do you sign in with?");
            browser.byId("send").click();
            List<SentMessage> toAlice = telegram.awaitSent(alice, bot, 2, WAIT);
            assertThat(toAlice.get(1).text()).isEqualTo("Sorry to hear that! Which e-mail address do you sign in with?");
            browser.await(WAIT, driver -> driver.findElements(By.cssSelector("#transcript [data-status=QUEUED]")).isEmpty()
                    && driver.findElements(By.cssSelector("#transcript [data-status=SENT]")).size() == 2);
            browser.screenshot("inbox-reply-sent");
            browser.size(390, 844);
            browser.screenshot("inbox-phone-width");
            browser.size(1280, 1000);

            // Telegram issues a new token: the channel needs attention; the admin replaces the token
            String newToken = telegram.rotateToken(bot);
            browser.open(channelPage);
            awaitState(browser, "NEEDS_ATTENTION");
            assertThat(browser.present(By.cssSelector("[data-fix-hint]"))).isTrue();
            browser.screenshot("channel-needs-attention");
            browser.byId("replace-token").click();
            browser.byId("field-token").sendKeys(otherBot.token());
            browser.byId("replace").click();
            assertThat(browser.find(By.cssSelector("[data-different-account]")).getText())
                    .contains("@acme_sales_bot", "@acme_support_bot");
            browser.screenshot("replace-token-other-bot");
            browser.find(By.linkText("Keep the current account")).click();
            browser.byId("replace-token").click();
            browser.byId("field-token").sendKeys(newToken);
            browser.byId("replace").click();
            assertThat(browser.find(By.cssSelector(".notice-ok")).getText()).contains("still @acme_support_bot");
            awaitState(browser, "RUNNING");
            assertNoSecret(browser, newToken);
            browser.screenshot("token-replaced");
            alice.send(bot, "Still there?");
            browser.open(browser.path().replaceFirst("/channels/.*", "/inbox"));
            browser.await(WAIT, driver -> driver.findElement(By.id("conversation-list")).getText().contains("Still there?"));

            // Edit settings: every field in the same generated form, the token only as set
            browser.open(channelPage);
            browser.byId("edit-settings").click();
            assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Edit settings");
            assertThat(browser.byId("field-name").getAttribute("value")).isEqualTo("Acme Support");
            assertThat(browser.byId("field-greeting").getAttribute("value")).isEqualTo(GREETING);
            assertThat(browser.byId("field-token").getAttribute("type")).isEqualTo("password");
            assertThat(browser.byId("field-token").getAttribute("value")).isEmpty();
            assertThat(browser.byId("field-token-help").getText()).contains("Set, kept hidden", "leave this empty to keep it");
            assertNoSecret(browser, bot.token(), newToken);
            browser.screenshot("channel-edit");

            // a refused token: its error beside it, the changed values kept
            browser.byId("field-name").clear();
            browser.byId("field-name").sendKeys("Acme Help Desk");
            browser.byId("field-greeting").clear();
            browser.byId("field-greeting").sendKeys(NEW_GREETING);
            browser.byId("field-token").sendKeys(refused);
            browser.byId("save").click(); // straight from the field: the check it starts must not move Save away
            assertThat(browser.find(By.cssSelector("[data-error-summary]")).getText())
                    .as("the click landed: the server's answer").contains("Telegram refused this token");
            assertThat(fieldError(browser, "token")).startsWith("Telegram refused this token");
            assertThat(browser.byId("field-name").getAttribute("value")).isEqualTo("Acme Help Desk");
            assertThat(browser.byId("field-greeting").getAttribute("value")).isEqualTo(NEW_GREETING);
            assertNoSecret(browser, refused, bot.token(), newToken);
            browser.screenshot("channel-edit-error");

            // the token replaced in the same form, with the name and greeting: saved, and the channel restarts
            String rotated = telegram.rotateToken(bot);
            assertThat(browser.byId("field-token").getDomProperty("value")).as("the refused token does not come back").isEmpty();
            browser.byId("field-token").sendKeys(rotated, Keys.TAB);
            browser.await(WAIT, driver -> browser.present(By.cssSelector("[data-field=token] a[data-preview-username]")));
            assertThat(browser.text(By.cssSelector("a[data-preview-username]"))).isEqualTo("@acme_support_bot");
            assertNoSecret(browser, rotated, newToken, bot.token());
            browser.screenshot("channel-edit-inline-check");
            browser.byId("save").click();
            assertThat(browser.find(By.cssSelector(".notice-ok")).getText()).contains("The settings are saved");
            assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Acme Help Desk");
            awaitState(browser, "RUNNING");
            assertThat(browser.find(By.tagName("main")).getText()).contains(NEW_GREETING);
            assertNoSecret(browser, rotated, newToken, bot.token());
            browser.screenshot("channel-edited");
            EmulatedUser bob = telegram.createUser("Bob", "bob", "en");
            bob.send(bot, "Hello?");
            assertThat(telegram.awaitSent(bob, bot, 1, WAIT).getFirst().text()).as("the new greeting").isEqualTo(NEW_GREETING);

            // stop and start
            browser.open(channelPage);
            browser.byId("stop").click();
            awaitState(browser, "STOPPED");
            browser.screenshot("channel-stopped");
            String stoppedChannel = browser.path();
            browser.open(stoppedChannel.replaceFirst("/channels/.*", "/inbox"));
            browser.click(By.cssSelector("#conversation-list a.conversation"));
            assertThat(browser.byId("reply-paused").getText()).contains("Stopped", "wait in the queue");
            browser.open(stoppedChannel);
            browser.byId("start").click();
            awaitState(browser, "RUNNING");
            browser.screenshot("channel-started");

            // delete, keeping the history
            browser.byId("delete").click();
            assertThat(browser.find(By.tagName("main")).getText()).contains("Keep them", "Delete them too");
            browser.screenshot("delete-confirmation");
            browser.byId("confirm-delete").click();
            assertThat(browser.find(By.cssSelector(".notice-ok")).getText()).contains("stay in the inbox");
        }
    }

    /** The error the form's own check shows beside the token, or nothing yet. */
    private static String inlineError(Browser browser) {
        return browser.driver.findElements(By.cssSelector("[data-check-result] .field-error, [data-field-error=token]"))
                .stream().map(WebElement::getText).findFirst().orElse("");
    }

    /** No token is anywhere in the page's source (what the admin types stays in the input's live value only). */
    private static void assertNoSecret(Browser browser, String... secrets) {
        String source = browser.driver.getPageSource();
        for (String secret : secrets) {
            assertThat(source).doesNotContain(secret);
        }
    }

    private static String fieldError(Browser browser, String field) {
        return browser.find(By.cssSelector("[data-field-error=" + field + "]")).getText();
    }

    private static void awaitState(Browser browser, String state) {
        browser.await(WAIT, driver -> state.equals(driver.findElement(By.id("channel-state")).getAttribute("data-state"))
                ? Boolean.TRUE : reloadIfSettled(browser));
    }

    /** The page reloads itself while the channel starts; once settled in another state, read it again. */
    private static Boolean reloadIfSettled(Browser browser) {
        if (browser.driver.findElements(By.cssSelector("[data-reload-while-settling]")).isEmpty()) {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            browser.driver.navigate().refresh();
        }
        return null;
    }
}
