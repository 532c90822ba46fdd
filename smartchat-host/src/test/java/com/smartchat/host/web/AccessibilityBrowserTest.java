package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.sandbox.BotFather;
import com.smartchat.host.sandbox.SandboxBot;
import com.smartchat.host.sandbox.SandboxTelegram;
import com.smartchat.telegram.emulator.EmulatedUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Controller;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Accessibility measured (issue 15, point 9): axe-core on every page of the host, and the Add Channel flow walked
 * with the keyboard alone.
 *
 * <p>The pages are the host's own GET routes that render HTML, read from the running application's handler
 * mappings (a page added later is checked without anyone remembering to), each visited as the platform admin with
 * real data behind it: a Space, a Telegram channel running on the sandbox's Telegram, a conversation with messages
 * both ways, a second user, a BotFather chat and an audience member's chat. The host runs in sandbox mode, so its
 * pages are checked in the same context. Serious and critical violations fail; the others are printed.
 * Screenshots: {@code target/screenshots/a11y-*.png}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "smartchat.sandbox.enabled=true", "smartchat.plugins.telegram.poll-timeout=1"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AccessibilityBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ADMIN = ApiClient.ADMIN;

    /** Routes that are not pages of their own: each says why. */
    private static final Map<String, String> NOT_PAGES = Map.of(
            "/spaces/{space}/inbox/list", "the inbox's conversation list alone, which the inbox page fetches into itself",
            "/spaces/{space}/inbox/{conversation}/transcript", "a transcript alone, fetched into the inbox page",
            "/sandbox/audience/{user}/{bot}/transcript", "a chat's lines alone, fetched into the chat page",
            "/login/throttled", "the sign-in page again (checked as /login), shown only during a lock-out");

    private static final Pattern UUID_IN_PATH = Pattern.compile("/channels/([0-9a-f-]{36})$");

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    SandboxTelegram sandbox;

    @Autowired
    BotFather botFather;

    @BeforeAll
    static void theBrowserIsInstalled() {
        Browser.requireInstalled();
    }

    @Test
    void everyPageHasNoSeriousOrCriticalViolationAndAddChannelWorksByKeyboardAlone() {
        Map<String, String> ids = realData();
        try (Browser browser = new Browser(port, "a11y")) {
            try {
                browser.open("/login");
                check(browser, "sign-in");
                browser.signIn(ADMIN, ApiClient.ADMIN_PASSWORD);
                browser.await(WAIT, driver -> browser.path().startsWith("/spaces"));
                everyPage(browser, ids);
                addChannelByKeyboard(browser, ids.get("space"));
            } catch (RuntimeException | AssertionError failure) {
                browser.screenshot("FAILED-" + browser.path().replaceAll("[^A-Za-z0-9]+", "-"));
                throw failure;
            }
        }
    }

    /** A Space with a running Telegram channel and a conversation both ways, a second user, the sandbox's chats. */
    private Map<String, String> realData() {
        botFather.say(ADMIN, "/newbot");
        botFather.say(ADMIN, "Acme Support");
        botFather.say(ADMIN, "acme_a11y_bot");
        SandboxBot bot = sandbox.bot("acme_a11y_bot").orElseThrow();
        ApiClient platform = ApiClient.adminToken(port);
        String space = platform.post("/api/spaces", Map.of("name", "Acme")).body().get("id").asString();
        String channels = "/api/spaces/" + space + "/channels";
        String channel = platform.post(channels, Map.of("provider", "telegram", "settings", Map.of("name",
                "Acme Support", "token", bot.bot().token(), "greeting", "Hi! An agent will answer shortly.")))
                .body().get("id").asString();
        await().atMost(WAIT).until(() -> platform.get(channels + "/" + channel).body().get("state").asString()
                .equals("RUNNING"));
        EmulatedUser alice = sandbox.createMember(ADMIN, "Alice", "alice", "en");
        sandbox.start(alice, bot, null);
        sandbox.send(alice, bot, "I cannot sign in to my account.");
        String conversations = channels + "/" + channel + "/conversations";
        await().atMost(WAIT).until(() -> platform.get(conversations).body().size() == 1);
        String conversation = platform.get(conversations).body().get(0).get("id").asString();
        platform.post(conversations + "/" + conversation + "/messages", Map.of("text", "Which e-mail address?"));
        await().atMost(WAIT).until(() -> sandbox.chat(alice, bot).entries().size() >= 3);

        WebSession admin = WebSession.signIn(port, ADMIN, ApiClient.ADMIN_PASSWORD);
        assertThat(admin.post("/users", Map.of("username", "bob.agent", "password", "long-enough-password"))
                .status()).isEqualTo(302);
        assertThat(admin.post("/users/bob.agent/grants", Map.of("space", space)).status()).isEqualTo(302);

        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("space", space);
        ids.put("channel", channel);
        ids.put("conversation", conversation);
        ids.put("provider", "telegram");
        ids.put("user", String.valueOf(alice.id()));
        ids.put("bot", bot.username());
        return ids;
    }

    // ---- Every page ----

    private void everyPage(Browser browser, Map<String, String> ids) {
        Map<String, String> pages = pages();
        assertThat(pages).as("the host's pages").hasSizeGreaterThan(15)
                .containsKeys("/spaces", "/sandbox/botfather", "/spaces/{space}/inbox/{conversation}");
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> page : pages.entrySet()) {
            String path = page.getKey();
            for (Map.Entry<String, String> id : ids.entrySet()) {
                path = path.replace("{" + id.getKey() + "}", id.getValue());
            }
            assertThat(path).as("%s has a path variable this test has no value for: add one to realData()",
                    page.getKey()).doesNotContain("{");
            browser.open(path);
            browser.await(WAIT, driver -> "complete".equals(browser.script("return document.readyState")));
            try {
                check(browser, page.getValue());
            } catch (AssertionError failure) {
                // the others are checked all the same, to list every failure
                failures.add(failure.getMessage() + (browser.present(By.tagName("main")) ? "" : "\n  (no <main>: if "
                        + page.getKey() + " is a fragment that a page fetches, name it in NOT_PAGES with why)"));
            }
        }
        browser.open("/no-such-page");
        check(browser, "error-not-found");
        assertThat(failures).as("pages with serious or critical violations").isEmpty();
    }

    /**
     * The host's GET routes that answer with a page, pattern to a screenshot name: handlers of the host's own
     * {@code @Controller}s that return a view's name (not a body of their own: a file, JSON) and stream no events.
     */
    private Map<String, String> pages() {
        Map<String, String> pages = new TreeMap<>();
        Set<String> notPages = new HashSet<>(NOT_PAGES.keySet());
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
            HandlerMethod handler = entry.getValue();
            RequestMappingInfo info = entry.getKey();
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            boolean page = handler.getBeanType().getPackageName().startsWith("com.smartchat.")
                    && AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), Controller.class)
                    && !AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), ResponseBody.class)
                    && !handler.hasMethodAnnotation(ResponseBody.class)
                    && handler.getReturnType().getParameterType() == String.class // a view; not a file, not a stream
                    && (methods.isEmpty() || methods.contains(RequestMethod.GET));
            for (String pattern : info.getPatternValues()) {
                String plain = withoutRegexes(pattern);
                if (page && !notPages.remove(plain)) {
                    pages.put(plain, plain.replaceAll("[{}]", "").replaceAll("[^A-Za-z0-9]+", "-")
                            .replaceAll("^-|-$", ""));
                }
            }
        }
        assertThat(notPages).as("routes NOT_PAGES names that the host no longer has").isEmpty();
        return pages;
    }

    /** The pattern with {@code {name:regex}} written {@code {name}}; the regex may hold braces of its own. */
    private static String withoutRegexes(String pattern) {
        StringBuilder plain = new StringBuilder();
        int depth = 0;
        boolean regex = false;
        for (char c : pattern.toCharArray()) {
            if (c == '{') {
                if (depth++ == 0) {
                    plain.append(c);
                }
            } else if (c == '}') {
                if (--depth == 0) {
                    plain.append(c);
                    regex = false;
                }
            } else if (depth == 1 && c == ':') {
                regex = true;
            } else if (!regex) {
                plain.append(c);
            }
        }
        return plain.toString();
    }

    private static void check(Browser browser, String name) {
        browser.screenshot(name.isEmpty() ? "home" : name);
        Accessibility.check(browser, name);
    }

    // ---- The keyboard walk ----

    /**
     * From the Space's page to a running channel with Tab, Shift+Tab, Enter and typing only: Settings, Manage
     * Channels, Add Channel, the Telegram tile, the form (submitted empty first: its errors are checked with axe),
     * its primary button, and any "Done" after it. Every element that takes focus shows it, and focus moves forward
     * through each page in document order.
     */
    private void addChannelByKeyboard(Browser browser, String space) {
        SandboxBot bot = newBot();
        browser.open("/spaces/" + space);

        tabTo(browser, "space", element -> isLink(element, "Settings"));
        press(browser, Keys.ENTER);
        browser.await(WAIT, driver -> browser.path().endsWith("/settings"));

        tabTo(browser, "settings", element -> isLink(element, "Manage Channels"));
        press(browser, Keys.ENTER);
        browser.await(WAIT, driver -> browser.path().endsWith("/channels"));

        tabTo(browser, "channels", element -> "add-channel".equals(element.getAttribute("id")));
        press(browser, Keys.ENTER);
        browser.await(WAIT, driver -> browser.path().endsWith("/channels/new"));

        tabTo(browser, "connect", element -> "telegram".equals(element.getAttribute("data-provider")));
        // back and forth: Shift+Tab leaves the tile, Tab comes back to it
        new Actions(browser.driver).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
        assertThat(active(browser).getAttribute("data-provider")).isNotEqualTo("telegram");
        press(browser, Keys.TAB);
        assertThat(active(browser).getAttribute("data-provider")).isEqualTo("telegram");
        press(browser, Keys.ENTER);
        browser.await(WAIT, driver -> browser.path().endsWith("/channels/new/telegram"));
        check(browser, "keyboard-form");

        // submitted empty: the errors, where focus lands, are checked too
        tabTo(browser, "form-empty-submit", AccessibilityBrowserTest::isPrimarySubmit);
        press(browser, Keys.ENTER);
        browser.await(WAIT, driver -> active(browser).getAttribute("data-error-summary") != null);
        check(browser, "keyboard-form-errors");

        List<String> fields = new ArrayList<>();
        tabTo(browser, "form", element -> "field-name".equals(element.getAttribute("id")));
        fields.add("name");
        browser.driver.switchTo().activeElement().sendKeys("Keyboard Support");
        tabTo(browser, "form-greeting", element -> "field-greeting".equals(element.getAttribute("id")));
        fields.add("greeting");
        browser.driver.switchTo().activeElement().sendKeys("Hello from the keyboard.");
        tabTo(browser, "form-token", element -> "field-token".equals(element.getAttribute("id")));
        fields.add("token");
        browser.driver.switchTo().activeElement().sendKeys(bot.bot().token());
        assertThat(fields).as("the form's fields in the order they are shown").containsExactly("name", "greeting", "token");
        tabTo(browser, "form-submit", AccessibilityBrowserTest::isPrimarySubmit);
        browser.script("window.__submitted = true;");
        press(browser, Keys.ENTER);

        // whatever comes after the form's primary button (a review page with Done, or the channel itself)
        browser.await(WAIT, driver -> !Boolean.TRUE.equals(browser.script("return window.__submitted === true"))
                && "complete".equals(browser.script("return document.readyState")));
        assertThat(browser.present(By.cssSelector("[data-field-error]"))).as("errors after submitting the filled form")
                .isFalse();
        if (!UUID_IN_PATH.matcher(browser.path()).find()) {
            check(browser, "keyboard-review");
            tabTo(browser, "review", element -> "button".equals(element.getTagName())
                    && "Done".equals(element.getText().strip()));
            press(browser, Keys.ENTER);
            browser.await(WAIT, driver -> UUID_IN_PATH.matcher(browser.path()).find());
        }
        Matcher channel = UUID_IN_PATH.matcher(browser.path());
        assertThat(channel.find()).isTrue();
        browser.await(WAIT, driver -> "RUNNING".equals(driver.findElement(By.id("channel-state")).getAttribute("data-state")));
        assertThat(browser.text(By.tagName("h1"))).contains("Keyboard Support");
        check(browser, "keyboard-channel-running");

        // the check itself can fail: an image without a text alternative is a critical violation
        browser.script("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/favicon.svg\">')");
        assertThatThrownBy(() -> Accessibility.check(browser, "planted"))
                .hasMessageContaining("critical image-alt").hasMessageContaining("img");
    }

    /** A second bot for the walk's channel (one bot, one channel). */
    private SandboxBot newBot() {
        botFather.say(ADMIN, "/newbot");
        botFather.say(ADMIN, "Keyboard Support");
        botFather.say(ADMIN, "keyboard_a11y_bot");
        return sandbox.bot("keyboard_a11y_bot").orElseThrow();
    }

    /**
     * Presses Tab until the target has focus, at most 60 times, checking on the way that each focused element shows
     * a focus ring and comes after the previous one in the document (no positive tabindex, no focus jumping back);
     * screenshots the target focused.
     */
    private static void tabTo(Browser browser, String step, Predicate<WebElement> target) {
        List<String> path = new ArrayList<>();
        for (int presses = 0; presses < 60; presses++) {
            press(browser, Keys.TAB);
            // one round trip per Tab: what has focus, whether it shows it, whether it follows the one before
            @SuppressWarnings("unchecked")
            Map<String, Object> focus = (Map<String, Object>) browser.script("""
                    const element = document.activeElement;
                    const style = getComputedStyle(element);
                    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
                    const previous = window.__previousFocus;
                    window.__previousFocus = element;
                    const text = (element.innerText || element.value || '').trim().split('\\n')[0].slice(0, 30);
                    return {
                        name: element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
                            + (text ? ' "' + text + '"' : ''),
                        visible: element.matches(':focus-visible') && (outline || style.boxShadow !== 'none'),
                        forward: !previous || !previous.isConnected
                            || !!(previous.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING)
                    };
                    """);
            String name = (String) focus.get("name");
            path.add(name);
            assertThat(focus.get("visible")).as("%s: %s has focus but shows no focus ring", step, name)
                    .isEqualTo(true);
            assertThat(focus.get("forward")).as("%s: Tab moved back to %s; focus went %s", step, name, path)
                    .isEqualTo(true);
            if (target.test(active(browser))) {
                System.out.println("keyboard, " + step + ": " + String.join(" > ", path));
                browser.screenshot("keyboard-" + step + "-focused");
                return;
            }
        }
        throw new AssertionError(step + ": 60 presses of Tab never reached the target; focus went " + path);
    }

    private static void press(Browser browser, CharSequence keys) {
        new Actions(browser.driver).sendKeys(keys).perform();
    }

    private static WebElement active(Browser browser) {
        return browser.driver.switchTo().activeElement();
    }

    private static boolean isLink(WebElement element, String text) {
        return "a".equals(element.getTagName()) && text.equals(element.getText().strip());
    }

    private static boolean isPrimarySubmit(WebElement element) {
        return "button".equals(element.getTagName()) && "submit".equals(element.getAttribute("type"))
                && element.getAttribute("class").contains("primary");
    }
}
