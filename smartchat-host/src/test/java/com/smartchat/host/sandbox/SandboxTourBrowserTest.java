package com.smartchat.host.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import com.smartchat.host.web.Browser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The README's tour, end to end in headless Chromium, from the sandbox's pages only: BotFather makes a bot (after
 * refusing a bad username), the admin adds the Telegram channel in a Space with the token, an audience member opens
 * the bot's deep link and presses Start, the greeting appears live, the member writes, sends a photo, a location
 * and a contact, the agent answers from the inbox and the answer appears live in the member's chat, the member
 * presses an inline button and blocks and unblocks the bot, BotFather's /token revokes the old token (the channel
 * needs attention) and the admin pastes the new one with Replace token. Screenshots:
 * {@code target/screenshots/sandbox-*.png}.
 *
 * <p>The host runs as the README's first command runs it, with {@code smartchat.sandbox.enabled=true}: the
 * Telegram plugin from its jar, pointed at the emulator by nothing but {@code smartchat.plugins.telegram.api-url}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "smartchat.sandbox.enabled=true", "smartchat.plugins.telegram.poll-timeout=5"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class SandboxTourBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String GREETING = "Hi! Thanks for writing to Acme. An agent will answer shortly.";
    private static final String REPLY = "Hello Alice, sorry about that! Which e-mail address do you sign in with?";

    @LocalServerPort
    int port;

    @Autowired
    Environment environment;

    @Autowired
    SandboxTelegram sandbox;

    @BeforeAll
    static void theBrowserIsInstalled() {
        Browser.requireInstalled();
    }

    @Test
    void theReadmesTour(CapturedOutput output) throws Exception {
        assertThat(environment.getProperty("smartchat.plugins.telegram.api-url")).isEqualTo(sandbox.baseUrl())
                .startsWith("http://127.0.0.1:");
        assertThat(output).contains("SANDBOX: Telegram is simulated in this process at " + sandbox.baseUrl(),
                "SANDBOX MODE: Telegram is simulated inside this host");
        String[] tokens;
        try (Browser browser = new Browser(port, "sandbox")) {
            try {
                tokens = tour(browser);
            } catch (RuntimeException | AssertionError failure) {
                browser.screenshot("FAILED-" + browser.path().replaceAll("[^A-Za-z0-9]+", "-"));
                throw failure;
            }
        }
        // BotFather's page shows tokens; nothing else in the host logs them
        assertThat(output.getAll()).doesNotContain(tokens[0]).doesNotContain(tokens[1]);
    }

    private String[] tour(Browser browser) throws Exception {
        // sign in: the sandbox banner is on every page, the sign-in page too
        browser.open("/sandbox/botfather");
        assertThat(browser.path()).startsWith("/login");
        assertThat(browser.text(By.cssSelector("[data-sandbox-banner]")))
                .containsIgnoringCase("sandbox").contains("nothing reaches the real Telegram");
        browser.screenshot("sign-in");
        browser.signIn(ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        browser.await(WAIT, driver -> browser.path().startsWith("/sandbox/botfather"));

        // 1. BotFather: Start, /newbot, a name, a username it refuses, one it takes: the link and the token
        browser.screenshot("botfather-empty");
        submit(browser, By.id("start"));
        assertThat(lastBotFatherLine(browser)).startsWith("I can help you create and manage Telegram bots.");
        submit(browser, By.cssSelector("#botfather-transcript button.tg-command[value='/newbot']"));
        assertThat(lastBotFatherLine(browser)).startsWith("Alright, a new bot. How are we going to call it?");
        say(browser, "Acme Support");
        assertThat(lastBotFatherLine(browser)).startsWith("Good. Now let's choose a username for your bot.");
        say(browser, "acme-support");
        assertThat(lastBotFatherLine(browser)).isEqualTo("Sorry, this username is invalid.");
        say(browser, "acme_support");
        assertThat(lastBotFatherLine(browser)).startsWith("Sorry, the username must end in 'bot'.");
        assertThat(browser.text(By.cssSelector("#last [data-note]"))).contains("ends in \"bot\"");
        browser.screenshot("botfather-username-refused");
        say(browser, "acme_support_bot");
        assertThat(lastBotFatherLine(browser)).startsWith("Done! Congratulations on your new bot. You will find it at "
                + "t.me/acme_support_bot.").contains("Use this token to access the HTTP API:");
        String token = browser.text(By.cssSelector("#last [data-token]"));
        assertThat(token).matches("\\d+:[A-Za-z0-9_-]{30,}");
        assertThat(browser.text(By.cssSelector("#last button.tg-copy"))).isEqualTo("Copy");
        assertThat(browser.text(By.cssSelector("[data-bot=acme_support_bot]"))).contains("Acme Support");
        browser.screenshot("botfather-new-bot");

        // 2. the channel in a Space, with the token
        browser.open("/spaces");
        browser.byId("space-name").sendKeys("Acme");
        browser.find(By.xpath("//button[normalize-space()='Create Space']")).click();
        browser.await(WAIT, driver -> driver.findElement(By.tagName("h1")).getText().equals("Acme"));
        browser.find(By.linkText("Settings")).click();
        browser.find(By.linkText("Manage Channels")).click();
        browser.byId("add-channel").click();
        browser.find(By.cssSelector("a[data-provider=telegram]")).click();
        browser.byId("field-name").sendKeys("Acme Support");
        browser.byId("field-greeting").sendKeys(GREETING);
        browser.byId("field-token").sendKeys(token, Keys.TAB); // leaving the field checks the token
        browser.await(WAIT, driver -> browser.present(By.cssSelector("[data-preview]")));
        assertThat(browser.text(By.cssSelector("a[data-preview-username]"))).isEqualTo("@acme_support_bot");
        assertThat(browser.find(By.cssSelector("[data-sandbox-banner]")).isDisplayed()).isTrue();
        browser.screenshot("channel-preview");
        browser.byId("done").click();
        awaitState(browser, "RUNNING");
        String channelPage = browser.path();
        String inboxPage = channelPage.replaceFirst("/channels/.*", "/inbox");
        browser.screenshot("channel-running");

        // 3. an audience member opens the bot's deep link and presses Start: the greeting appears live
        browser.open("/sandbox/audience");
        browser.byId("member-name").clear();
        browser.byId("member-name").sendKeys("Alice");
        browser.byId("member-username").sendKeys("alice");
        submit(browser, By.id("create-member"));
        assertThat(browser.text(By.cssSelector(".tg-member.selected"))).contains("Alice", "@alice", "en");
        browser.byId("bot-link").sendKeys("https://t.me/acme_support_bot?start=tour");
        browser.screenshot("audience-open-link");
        submit(browser, By.id("open"));
        assertThat(browser.text(By.cssSelector(".tg-start"))).contains("/start tour");
        browser.screenshot("audience-before-start");
        submit(browser, By.id("start"));
        awaitLive(browser);
        browser.script("window.__sameDocument = true;");
        awaitLine(browser, "bot", GREETING);
        assertThat(browser.script("return window.__sameDocument === true;")).isEqualTo(true);
        assertThat(lines(browser, "user")).containsExactly("/start tour");
        browser.screenshot("audience-greeted");
        String chatPage = browser.path().replaceFirst("#.*", "");

        // the member writes, and sends a photo, a location and a contact
        browser.byId("message").sendKeys("I cannot log in to my account.");
        submit(browser, By.id("send"));
        browser.byId("caption").sendKeys("The error I see");
        submit(browser, By.id("send-photo"));
        submit(browser, By.id("send-location"));
        submit(browser, By.id("send-contact"));
        assertThat(browser.driver.findElements(By.cssSelector("#chat-transcript [data-side=user]"))).hasSize(5);
        assertThat(browser.text(By.cssSelector("#chat-transcript [data-kind=photo]"))).contains("Photo", "The error I see");
        assertThat(browser.text(By.cssSelector("#chat-transcript [data-kind=location]"))).contains("52.52000, 13.40500");
        assertThat(browser.text(By.cssSelector("#chat-transcript [data-kind=contact]"))).contains("Alice", "+1 555 0100");
        browser.screenshot("audience-media");
        awaitLive(browser);
        browser.script("window.__sameDocument = true;");

        // 4. the agent answers from the inbox (in another tab); the answer appears live in Alice's chat
        String audienceTab = browser.driver.getWindowHandle();
        browser.driver.switchTo().newWindow(WindowType.TAB);
        browser.open(inboxPage);
        browser.await(WAIT, driver -> driver.findElement(By.id("conversation-list")).getText().contains("Alice"));
        browser.click(By.cssSelector("#conversation-list a.conversation"));
        browser.await(WAIT, driver -> driver.findElement(By.id("transcript")).getText().contains("I cannot log in to my account."));
        browser.byId("reply-text").sendKeys(REPLY);
        browser.byId("send").click();
        browser.await(WAIT, driver -> driver.findElements(By.cssSelector("#transcript [data-status=QUEUED]")).isEmpty());
        browser.screenshot("inbox-answer");
        String inboxTab = browser.driver.getWindowHandle();
        browser.driver.switchTo().window(audienceTab);
        awaitLine(browser, "bot", REPLY);
        assertThat(browser.script("return window.__sameDocument === true;")).isEqualTo(true);
        browser.screenshot("audience-answer-live");

        // an inline button the bot sent (through the Bot API, as any bot program may), pressed
        sendWithButtons(token, chatId(chatPage));
        awaitLine(browser, "bot", "Did this answer help?");
        submit(browser, By.xpath("//button[@data-inline-button and normalize-space()='Yes, thanks']"));
        assertThat(browser.text(By.cssSelector("#chat-transcript .tg-service"))).isEqualTo("You pressed “Yes, thanks”");
        browser.screenshot("audience-button-pressed");

        // block and unblock
        submit(browser, By.id("block"));
        assertThat(browser.present(By.id("message"))).isFalse();
        browser.await(WAIT, driver -> driver.findElement(By.id("unblock")).isDisplayed());
        browser.screenshot("audience-blocked");
        submit(browser, By.id("unblock"));
        assertThat(lines(browser, "service")).contains("You blocked the bot", "You unblocked the bot");
        browser.driver.switchTo().window(inboxTab);
        browser.driver.close();
        browser.driver.switchTo().window(audienceTab);

        // 5. BotFather's /token: a new token; the old one stops working and the channel needs attention
        browser.open("/sandbox/botfather");
        say(browser, "/token");
        assertThat(lastBotFatherLine(browser)).startsWith("Choose a bot to generate a new token.");
        submit(browser, By.xpath("//button[@data-key and normalize-space()='@acme_support_bot']"));
        assertThat(lastBotFatherLine(browser)).startsWith("Your token was replaced with a new one.");
        String newToken = browser.text(By.cssSelector("#last [data-token]"));
        assertThat(newToken).isNotEqualTo(token);
        browser.screenshot("botfather-token");
        browser.open(channelPage);
        awaitState(browser, "NEEDS_ATTENTION");
        assertThat(browser.present(By.cssSelector("[data-fix-hint]"))).isTrue();
        browser.screenshot("channel-needs-attention");

        // ... and Replace token puts it back to work
        browser.byId("replace-token").click();
        browser.byId("field-token").sendKeys(newToken);
        browser.byId("replace").click();
        assertThat(browser.text(By.cssSelector(".notice-ok"))).contains("still @acme_support_bot");
        awaitState(browser, "RUNNING");
        assertThat(browser.driver.getPageSource()).doesNotContain(newToken).doesNotContain(token);
        browser.screenshot("channel-token-replaced");

        // Alice writes again: it reaches the inbox
        browser.open(chatPage);
        browser.byId("message").sendKeys("Still there?");
        submit(browser, By.id("send"));
        browser.open(inboxPage);
        browser.await(WAIT, driver -> driver.findElement(By.id("conversation-list")).getText().contains("Still there?"));
        browser.screenshot("inbox-after-new-token");
        return new String[] {token, newToken};
    }

    private static void say(Browser browser, String text) {
        WebElement box = browser.byId("message");
        box.sendKeys(text);
        submit(browser, By.id("send"));
    }

    /**
     * Presses a form's button and waits for the page the server answers with (each form post redirects). The old
     * page is marked with a script variable that a new document does not have: asking Chromium whether an element
     * went stale fails with "Node ... does not belong to the document" when the question crosses the navigation.
     */
    private static void submit(Browser browser, By button) {
        browser.script("window.smartchatLeaving = true;");
        browser.find(button).click();
        new WebDriverWait(browser.driver, WAIT).ignoring(WebDriverException.class).until(driver -> Boolean.TRUE.equals(
                browser.script("return window.smartchatLeaving === undefined && document.readyState === 'complete';")));
    }

    private static String lastBotFatherLine(Browser browser) {
        return browser.text(By.cssSelector("#last[data-from=botfather] .tg-text"));
    }

    /** The chat's lines of one side, read again when a live update replaced the transcript meanwhile. */
    private static List<String> lines(Browser browser, String side) {
        return new WebDriverWait(browser.driver, Duration.ofSeconds(10))
                .ignoring(StaleElementReferenceException.class)
                .until(driver -> driver.findElements(By.cssSelector("#chat-transcript [data-side=" + side + "]")).stream()
                        .map(line -> line.findElements(By.cssSelector(".tg-text")).stream().map(WebElement::getText)
                                .findFirst().orElse(line.getText()))
                        .toList());
    }

    private static void awaitLine(Browser browser, String side, String text) {
        browser.await(WAIT, driver -> lines(browser, side).contains(text));
    }

    private static void awaitLive(Browser browser) {
        browser.await(WAIT, driver -> "on".equals(driver.findElement(By.cssSelector("[data-sandbox-chat]"))
                .getAttribute("data-live")));
    }

    private static void awaitState(Browser browser, String state) {
        browser.await(WAIT, driver -> {
            if (state.equals(driver.findElement(By.id("channel-state")).getAttribute("data-state"))) {
                return true;
            }
            if (driver.findElements(By.cssSelector("[data-reload-while-settling]")).isEmpty()) {
                sleep(300);
                driver.navigate().refresh();
            }
            return null;
        });
    }

    private static long chatId(String chatPage) {
        return Long.parseLong(chatPage.split("/")[3]);
    }

    /** What another program holding the bot's token may do: a message with inline buttons, through the Bot API. */
    private void sendWithButtons(String token, long chatId) throws IOException, InterruptedException {
        String markup = "{\"inline_keyboard\":[[{\"text\":\"Yes, thanks\",\"callback_data\":\"helped\"},"
                + "{\"text\":\"No\",\"callback_data\":\"not-helped\"}],[{\"text\":\"Help centre\","
                + "\"url\":\"https://example.com/help\"}]]}";
        String form = "chat_id=" + chatId + "&text=" + URLEncoder.encode("Did this answer help?", StandardCharsets.UTF_8)
                + "&reply_markup=" + URLEncoder.encode(markup, StandardCharsets.UTF_8);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> sent = http.send(HttpRequest.newBuilder(
                            URI.create(sandbox.baseUrl() + "/bot" + token + "/sendMessage"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(sent.body()).contains("\"ok\":true");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
