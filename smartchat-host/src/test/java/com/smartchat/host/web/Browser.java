package com.smartchat.host.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The system's headless Chromium, driven by its chromedriver (Debian's {@code chromium} and {@code chromium-driver}),
 * with nothing downloaded and nothing phoned home: the driver's path is given, so Selenium Manager never runs, and
 * Chromium's background networking is off. Screenshots go to {@code target/screenshots/}.
 *
 * <p>Public for the browser tests of other packages (the sandbox's), which name their screenshots with a prefix.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMEDRIVER = Path.of(System.getProperty("smartchat.test.chromedriver", "/usr/bin/chromedriver"));
    public static final Path CHROMIUM = Path.of(System.getProperty("smartchat.test.chromium", "/usr/bin/chromium"));
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    public final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;
    private final String baseUrl;
    private final String prefix;
    private int shots;

    public Browser(int port) {
        this(port, "");
    }

    /** A browser whose screenshots are named {@code <prefix>-NN-name.png}. */
    public Browser(int port, String screenshotPrefix) {
        prefix = screenshotPrefix.isEmpty() ? "" : screenshotPrefix + "-";
        System.setProperty("SE_AVOID_STATS", "true");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        try {
            profile = Files.createTempDirectory("smartchat-chromium-");
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-default-apps", "--window-size=1280,1000",
                "--user-data-dir=" + profile);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        baseUrl = "http://localhost:" + port;
    }

    /** Whether this machine has the browser and its driver. */
    public static boolean available() {
        return Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
    }

    /** Fails the test, saying what to install, when the system's Chromium or its driver is missing. */
    public static void requireInstalled() {
        org.assertj.core.api.Assertions.assertThat(available()).as("Headless browser tests need Debian's chromium "
                + "and chromium-driver (apt-get install -y chromium chromium-driver), at " + CHROMIUM + " and "
                + CHROMEDRIVER).isTrue();
    }

    /** Signs in on the sign-in page the browser is on. */
    public void signIn(String user, String password) {
        byId("username").sendKeys(user);
        byId("password").sendKeys(password);
        find(By.cssSelector("button[type=submit].primary")).click();
    }

    public void open(String path) {
        driver.get(baseUrl + path);
    }

    public String path() {
        return driver.getCurrentUrl().replaceFirst("^https?://[^/]+", "");
    }

    /** The element, waiting a little for it: a click that submits a form returns before the next page is there. */
    public WebElement find(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(10)).until(current -> current.findElement(by));
    }

    /** Clicks an element, finding it again when a live update replaced it between finding and clicking. */
    public void click(By by) {
        new WebDriverWait(driver, Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class)
                .until(current -> {
                    current.findElement(by).click();
                    return true;
                });
    }

    /** An element's text, read again when a live update replaced the element meanwhile. */
    public String text(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class)
                .until(current -> current.findElement(by).getText());
    }

    public WebElement byId(String id) {
        return find(By.id(id));
    }

    public boolean present(By by) {
        return !driver.findElements(by).isEmpty();
    }

    /** Waits for a condition, re-reading the page while it reloads itself. */
    public <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout).ignoring(StaleElementReferenceException.class)
                .ignoring(NoSuchElementException.class).until(condition);
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** Resizes the window, for the phone-width views. */
    public void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves a screenshot of the whole page (up to 3000 pixels tall) as {@code target/screenshots/NN-name.png}. */
    public Path screenshot(String name) {
        Path target = SCREENSHOTS.resolve(String.format("%s%02d-%s.png", prefix, ++shots, name));
        try {
            Files.write(target, fullPage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private byte[] fullPage() {
        try {
            Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
            @SuppressWarnings("unchecked")
            Map<String, Object> content = (Map<String, Object>) metrics.get("cssContentSize");
            @SuppressWarnings("unchecked")
            Map<String, Object> viewport = (Map<String, Object>) metrics.get("cssLayoutViewport");
            double width = ((Number) viewport.get("clientWidth")).doubleValue();
            double height = Math.min(3000, Math.max(((Number) content.get("height")).doubleValue(),
                    ((Number) viewport.get("clientHeight")).doubleValue()));
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                    "captureBeyondViewport", true,
                    "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
            return Base64.getDecoder().decode((String) shot.get("data"));
        } catch (RuntimeException e) {
            return driver.getScreenshotAs(OutputType.BYTES); // the window only
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temporary directory: the system cleans it up
            }
        }
    }
}
