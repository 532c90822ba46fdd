package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Times on the admin pages are the viewer's: a browser in Tokyo reads a Space's creation time in Tokyo's time, with
 * the exact time on hover, although the page is written in UTC (which it shows without a script).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LocalTimesBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    @BeforeAll
    static void theBrowserIsInstalled() {
        Browser.requireInstalled();
    }

    @Test
    void aViewerInTokyoReadsTimesInTokyosTimeWithTheExactTimeOnHover() {
        String space = ApiClient.admin(port).post("/api/spaces", Map.of("name", "Tokyo")).body().get("id").asString();
        try (Browser browser = new Browser(port)) {
            browser.driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "Asia/Tokyo"));
            browser.open("/spaces");
            browser.signIn(ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
            browser.await(WAIT, driver -> browser.path().startsWith("/spaces"));
            browser.open("/spaces/" + space + "/settings");

            WebElement created = browser.find(By.cssSelector("time[datetime]"));
            ZonedDateTime inTokyo = OffsetDateTime.parse(created.getDomAttribute("datetime"))
                    .atZoneSameInstant(ZoneId.of("Asia/Tokyo"));
            assertThat(created.getText()).as("in Tokyo's time")
                    .startsWith(inTokyo.getDayOfMonth() + " ")
                    .contains(inTokyo.getYear() + ", " + String.format("%02d:%02d", inTokyo.getHour(),
                            inTokyo.getMinute()))
                    .endsWith("GMT+9")
                    .doesNotContain("UTC");
            assertThat(created.getDomAttribute("title")).as("the exact time, on hover")
                    .contains(String.valueOf(inTokyo.getYear()))
                    .contains(String.format("%02d:%02d:%02d", inTokyo.getHour(), inTokyo.getMinute(),
                            inTokyo.getSecond()))
                    .contains("GMT+9");
        }
    }
}
