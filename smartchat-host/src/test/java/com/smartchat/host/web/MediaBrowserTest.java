package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.media.MediaProperties;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.SentMessage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Media both ways, in a real browser against the host with the Telegram plugin and the Bot API emulator: a Telegram
 * user sends a photo, a document, a voice note, a video, a sticker, a location and a contact, and the inbox shows
 * each (the photo inline, the document to download with its bytes, players for voice and video, the map link, the
 * contact); an agent attaches a photo and a document to replies and Telegram receives them with their bytes; a file
 * over the limit is refused with a clear message. Then, over HTTP: the file route answers only the Space's own
 * users and only its ids' one spelling, refuses files over the download limit with a message, and nothing the
 * browser receives contains the bot's token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "smartchat.media.max-upload-size=1MB")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class MediaBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PASSWORD = "media-test-password-1";

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
    void eachKindOfMediaShowsInTheInboxAndAgentsSendPhotosAndDocuments() throws Exception {
        ApiClient api = ApiClient.admin(port);
        EmulatedBot bot = telegram.createBot("Media Desk", "media_desk_bot");
        EmulatedUser alice = telegram.createUser("Alice", "alice", "en");
        String space = api.post("/api/spaces", Map.of("name", "Media")).body().get("id").asString();
        String channel = api.post("/api/spaces/" + space + "/channels", Map.of("provider", "telegram",
                "settings", Map.of("name", "Media desk", "token", bot.token()))).body().get("id").asString();
        String channelPath = "/api/spaces/" + space + "/channels/" + channel;
        await().atMost(WAIT).until(() -> api.get(channelPath).body().get("state").asString().equals("RUNNING"));

        byte[] photo = png(Color.ORANGE, 160, 120);
        byte[] sticker = png(Color.MAGENTA, 96, 96);
        alice.sendPhoto(bot, "My cat", photo);
        alice.sendDocument(bot, "report.pdf", "application/pdf", 1234);
        alice.sendVoice(bot, 3);
        alice.sendVideo(bot, "At the beach", 2);
        alice.sendSticker(bot, "😺", sticker);
        alice.sendLocation(bot, 48.8584, 2.2945);
        alice.sendContact(bot, "+33 1 23 45 67 89", "Bob");
        alice.sendDocument(bot, "film.mkv", "video/x-matroska", 30L << 20);
        String conversation = await().atMost(WAIT).until(() -> {
            JsonNode list = api.get(channelPath + "/conversations").body();
            return list.isEmpty() ? null : list.get(0).get("id").asString();
        }, id -> id != null);
        String messagesApi = channelPath + "/conversations/" + conversation + "/messages";
        await().atMost(WAIT).until(() -> api.get(messagesApi).body().size() == 8);
        JsonNode messages = api.get(messagesApi).body();
        String inbox = "/spaces/" + space + "/inbox/" + conversation;

        try (Browser browser = new Browser(port)) {
            try {
                browser.open("/spaces");
                browser.signIn(ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
                browser.await(WAIT, driver -> browser.path().startsWith("/spaces"));
                browser.open(inbox);
                String cookies = cookies(browser);

                // the photo inline, loaded from the host, its download the very bytes Telegram holds
                WebElement image = browser.find(By.cssSelector("li[data-kind=photo] img"));
                browser.await(WAIT, driver -> loaded(browser, image));
                assertThat(image.getDomAttribute("alt")).isEqualTo("Photo (" + MediaProperties.readable(photo.length) + "): My cat");
                String photoUrl = browser.find(By.cssSelector("li[data-kind=photo] a.attachment-download"))
                        .getDomAttribute("href");
                assertThat(get(cookies, photoUrl).body()).isEqualTo(photo);

                // the document downloads as a file with its name and bytes
                WebElement document = browser.find(By.xpath(
                        "//li[@data-kind='document'][contains(., 'report.pdf')]//a[@class='attachment-download']"));
                HttpResponse<byte[]> download = get(cookies, document.getDomAttribute("href"));
                assertThat(download.statusCode()).isEqualTo(200);
                assertThat(download.headers().firstValue("Content-Disposition").orElse(""))
                        .startsWith("attachment").contains("report.pdf");
                assertThat(download.body()).isEqualTo(telegram.fileContent(JSON.readTree(withAttachment(messages, "fileName", "report.pdf")
                        .get("attachments").asString()).get(0).get("reference").asString()));

                // voice and video play in the page; the sticker is an image; the location links to the map
                assertThat(browser.find(By.cssSelector("li[data-kind=voice] audio")).getDomAttribute("controls"))
                        .isNotNull();
                WebElement video = browser.find(By.cssSelector("li[data-kind=video] video"));
                assertThat(video.getDomAttribute("controls")).isNotNull();
                assertThat(get(cookies, video.getDomAttribute("src")).headers().firstValue("Content-Type"))
                        .hasValue("video/mp4");
                WebElement stickerImage = browser.find(By.cssSelector("li[data-kind=sticker] img"));
                browser.await(WAIT, driver -> loaded(browser, stickerImage));
                assertThat(browser.find(By.cssSelector("li[data-kind=location] a.attachment-map"))
                        .getDomAttribute("href"))
                        .startsWith("https://www.openstreetmap.org/?mlat=48.8584&mlon=2.2945");
                assertThat(browser.text(By.cssSelector("li[data-kind=location]"))).contains("48.8584, 2.2945");
                assertThat(browser.text(By.cssSelector("li[data-kind=contact] .attachment-contact"))).isEqualTo("Bob");
                assertThat(browser.find(By.cssSelector("li[data-kind=contact] a.attachment-phone"))
                        .getDomAttribute("href")).isEqualTo("tel:+33 1 23 45 67 89");
                // a file over the download limit says so instead of offering a broken link
                assertThat(browser.text(By.xpath("//li[@data-kind='document'][contains(., 'film.mkv')]")))
                        .contains("Too large to show here", "20 MB");
                browser.script("document.querySelector('li[data-kind=photo]').scrollIntoView()");
                browser.screenshot("media-inbound");
                browser.script("document.querySelector('li[data-kind=sticker]').scrollIntoView()");
                browser.screenshot("media-inbound-sticker-location-contact");
                assertThat(browser.driver.getPageSource()).doesNotContain(bot.token());

                // an agent attaches a photo, then a document: Telegram receives their bytes
                Path dir = Files.createDirectories(Path.of("target", "media-test"));
                byte[] reply = png(Color.BLUE, 120, 90);
                Path replyPhoto = Files.write(dir.resolve("answer.png"), reply);
                byte[] pdf = "%PDF-1.4\n% the price list\n".getBytes(StandardCharsets.US_ASCII);
                Path replyDocument = Files.write(dir.resolve("prices.pdf"), pdf);
                browser.byId("reply-text").sendKeys("Here is the photo");
                browser.byId("reply-file").sendKeys(replyPhoto.toAbsolutePath().toString());
                browser.screenshot("media-reply-with-photo");
                browser.byId("send").click();
                List<SentMessage> sent = telegram.awaitSent(alice, bot, 1, WAIT);
                assertThat(sent.getFirst().kind()).isEqualTo(SentMessage.Kind.PHOTO);
                assertThat(sent.getFirst().text()).isEqualTo("Here is the photo");
                assertThat(telegram.fileContent(sent.getFirst().fileId())).isEqualTo(reply);

                browser.byId("reply-file").sendKeys(replyDocument.toAbsolutePath().toString());
                browser.byId("send").click();
                sent = telegram.awaitSent(alice, bot, 2, WAIT);
                assertThat(sent.get(1).kind()).isEqualTo(SentMessage.Kind.DOCUMENT);
                assertThat(telegram.fileContent(sent.get(1).fileId())).isEqualTo(pdf);

                // the agent sees both in the transcript
                browser.open(inbox);
                WebElement ownPhoto = browser.find(By.cssSelector("li.message.out li[data-kind=photo] img"));
                browser.await(WAIT, driver -> loaded(browser, ownPhoto));
                assertThat(browser.text(By.cssSelector("li.message.out li[data-kind=document]"))).contains("prices.pdf");
                browser.script("document.querySelector('li.message.out li[data-kind=photo]').scrollIntoView()");
                browser.screenshot("media-outbound");

                // a file over the upload limit: a clear error beside the reply box, the text kept
                Path large = Files.write(dir.resolve("large.pdf"), new byte[3 << 19]);
                browser.byId("reply-text").sendKeys("Too big?");
                browser.byId("reply-file").sendKeys(large.toAbsolutePath().toString());
                browser.byId("send").click();
                assertThat(browser.text(By.id("reply-error")))
                        .isEqualTo("The file is 1.5 MB; a reply's file can be at most 1 MB.");
                assertThat(browser.byId("reply-text").getDomProperty("value")).isEqualTo("Too big?");
                browser.screenshot("media-reply-too-large");
                assertThat(telegram.sentTo(alice, bot)).hasSize(2);
            } catch (RuntimeException | AssertionError failure) {
                browser.screenshot("FAILED-media-" + browser.path().replaceAll("[^A-Za-z0-9]+", "-"));
                throw failure;
            }
        }

        // over HTTP: who may fetch, which spellings, the download limit, and never the token
        String message = withAttachment(messages, "kind", "PHOTO").get("id").asString();
        String file = inbox + "/messages/" + message + "/attachments/0";
        String admin = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD).cookieHeader();
        HttpResponse<byte[]> ok = get(admin, file);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(ok.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        String other = api.post("/api/spaces", Map.of("name", "Other media")).body().get("id").asString();
        WebSession platform = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        assertThat(platform.post("/users", Map.of("username", "media-other", "password", PASSWORD)).status())
                .isEqualTo(302);
        assertThat(platform.post("/users/media-other/grants", Map.of("space", other)).status()).isEqualTo(302);
        assertThat(platform.post("/users", Map.of("username", "media-own", "password", PASSWORD)).status())
                .isEqualTo(302);
        assertThat(platform.post("/users/media-own/grants", Map.of("space", space)).status()).isEqualTo(302);
        String otherAdmin = WebSession.signIn(port, "media-other", PASSWORD).cookieHeader();
        String ownAdmin = WebSession.signIn(port, "media-own", PASSWORD).cookieHeader();

        assertThat(get(ownAdmin, file).statusCode()).as("the Space's own admin").isEqualTo(200);
        assertThat(get(otherAdmin, file).statusCode()).as("another Space's admin").isEqualTo(404);
        assertThat(get(otherAdmin, file.replace(space, other)).statusCode()).as("under their own Space")
                .isEqualTo(404);
        assertThat(get("", file).statusCode()).as("anonymous").isNotEqualTo(200);
        for (String spelling : List.of(file.replace(message, message.toUpperCase(Locale.ROOT)),
                file.replace(conversation, conversation.toUpperCase(Locale.ROOT)),
                file.replace(space, space.toUpperCase(Locale.ROOT)),
                file.replace("/attachments/0", "/attachments/00"), file.replace("/attachments/0", "/attachments/+0"),
                file + "/../0")) {
            assertThat(get(admin, spelling).statusCode()).as(spelling).isIn(400, 404);
        }
        assertThat(get(admin, inbox + "/messages/" + message + "/attachments/1").statusCode()).isEqualTo(404);

        String film = inbox + "/messages/" + withAttachment(messages, "fileName", "film.mkv").get("id").asString()
                + "/attachments/0";
        HttpResponse<byte[]> tooLarge = get(admin, film);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(new String(tooLarge.body(), StandardCharsets.UTF_8))
                .contains("larger than 20 MB", "smartchat.media.max-download-size");

        // the API takes a reply with a file as multipart, with the same limits
        String messagesUrl = channelPath + "/conversations/" + conversation + "/messages";
        byte[] notes = "Opening hours: 9 to 5\n".getBytes(StandardCharsets.UTF_8);
        ApiClient.Response accepted = api.postMultipart(messagesUrl, Map.of("text", "Our hours"),
                new ApiClient.FilePart("file", "hours.txt", "text/plain", notes));
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        List<SentMessage> sent = telegram.awaitSent(alice, bot, 3, WAIT);
        assertThat(sent.get(2).kind()).isEqualTo(SentMessage.Kind.DOCUMENT);
        assertThat(sent.get(2).text()).isEqualTo("Our hours");
        assertThat(telegram.fileContent(sent.get(2).fileId())).isEqualTo(notes);
        ApiClient.Response overLimit = api.postMultipart(messagesUrl, Map.of(),
                new ApiClient.FilePart("file", "big.txt", "text/plain", new byte[3 << 19]));
        assertThat(overLimit.status()).isEqualTo(413);
        assertThat(overLimit.text()).contains("The file is 1.5 MB; a reply's file can be at most 1 MB.");
        ApiClient.Response program = api.postMultipart(messagesUrl, Map.of(),
                new ApiClient.FilePart("file", "setup.exe", "application/x-msdownload", notes));
        assertThat(program.status()).isEqualTo(415);
        assertThat(program.text()).contains("Files of type application/x-msdownload cannot be attached");

        // agents opening the same new file at once: one fetch through the channel, the same bytes for each
        alice.sendDocument(bot, "shared.pdf", "application/pdf", 4321);
        String sharedId = await().atMost(WAIT).until(() -> {
            for (JsonNode stored : api.get(messagesApi).body()) {
                if (stored.path("attachments").asString("").contains("shared.pdf")) {
                    return stored.get("id").asString();
                }
            }
            return null;
        }, id -> id != null);
        String shared = inbox + "/messages/" + sharedId + "/attachments/0";
        long getFiles = telegram.requestCount("getFile");
        List<Future<HttpResponse<byte[]>>> together = new ArrayList<>();
        try (ExecutorService agents = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                together.add(agents.submit(() -> get(admin, shared)));
            }
        }
        for (Future<HttpResponse<byte[]>> response : together) {
            assertThat(response.get().statusCode()).isEqualTo(200);
            assertThat(response.get().body()).hasSize(4321);
        }
        assertThat(telegram.requestCount("getFile") - getFiles).as("getFile calls for six agents").isEqualTo(1);

        for (HttpResponse<byte[]> response : List.of(ok, tooLarge, get(admin, inbox))) {
            assertThat(new String(response.body(), StandardCharsets.ISO_8859_1)).doesNotContain(bot.token());
            assertThat(response.headers().map().toString()).doesNotContain(bot.token());
        }
    }

    private static boolean loaded(Browser browser, WebElement image) {
        return Boolean.TRUE.equals(browser.script("return arguments[0].complete && arguments[0].naturalWidth > 0",
                image));
    }

    /** The message whose first attachment has this value, as the API shows the stored message. */
    private static JsonNode withAttachment(JsonNode messages, String field, String value) {
        for (JsonNode message : messages) {
            if (message.hasNonNull("attachments")
                    && value.equals(JSON.readTree(message.get("attachments").asString()).get(0).path(field).asString(""))) {
                return message;
            }
        }
        throw new AssertionError("no attachment with " + field + " " + value);
    }

    private static String cookies(Browser browser) {
        return browser.driver.manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
    }

    private HttpResponse<byte[]> get(String cookies, String path) throws IOException, InterruptedException {
        String relative = path.replaceFirst("^https?://[^/]+", "");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + relative)).GET();
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies);
        }
        try (HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    private static byte[] png(Color color, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(color);
        graphics.fillRect(0, 0, width, height);
        graphics.setColor(Color.WHITE);
        graphics.fillOval(width / 4, height / 4, width / 2, height / 2);
        graphics.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
