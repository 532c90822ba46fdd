package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The limits a plugin's form declares reach the browser (headless Chromium): its inputs know them (a number's arrows
 * stay within them, the validity state names what breaks them), and the host's messages say the same after the form
 * is sent. The form is sent as it is ({@code novalidate}): its one list of problems comes from the host.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GeneratedFormBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    @BeforeAll
    static void theBrowserIsInstalled() {
        Browser.requireInstalled();
    }

    @Test
    void theInputsKnowTheFieldsLimitsAndTheHostExplainsThem() {
        String space = ApiClient.admin(port).post("/api/spaces", Map.of("name", "Limits")).body().get("id").asString();
        try (Browser browser = new Browser(port)) {
            browser.open("/spaces");
            browser.signIn(ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
            browser.await(WAIT, driver -> browser.path().startsWith("/spaces"));
            browser.open("/spaces/" + space + "/channels/new/echo");

            WebElement delay = browser.byId("field-delayMillis");
            delay.sendKeys(Keys.ARROW_DOWN);
            assertThat(delay.getDomProperty("value")).as("the arrows stop at the minimum").isEqualTo("0");
            browser.byId("field-name").sendKeys("Echo desk");
            browser.byId("field-apiKey").sendKeys("echo_");
            delay.clear();
            delay.sendKeys("20000");
            assertThat(browser.script("return [document.getElementById('field-apiKey').validity.tooShort,"
                    + " document.getElementById('field-delayMillis').validity.rangeOverflow];"))
                    .isEqualTo(List.of(true, true));

            browser.click(By.id("done"));
            browser.await(WAIT, driver -> browser.present(By.cssSelector("[data-field-error=delayMillis]")));
            browser.screenshot("form-limits");
            assertThat(browser.text(By.cssSelector("[data-field-error=apiKey]")))
                    .isEqualTo("API key must be at least 8 characters long (it has 5).");
            assertThat(browser.text(By.cssSelector("[data-field-error=delayMillis]")))
                    .isEqualTo("Echo delay (milliseconds) must be between 0 and 10000.");
        }
    }
}
