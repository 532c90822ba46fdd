package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.InProcessHost;
import com.smartchat.host.conversations.ConversationRepository;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.SentMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * An agent's inbox with more than a page of everything, on one host with the real Telegram plugin and the Bot API
 * emulator: a Space of a few hundred seeded conversations (straight into the database) and three people writing
 * through Telegram. The list pages at its end, searches by name, username and message, filters by channel and unread,
 * marks read; a long transcript loads older messages on scroll; each delivery state shows what an agent can do, and
 * doing it works; a session that ended offers to sign in again and the live updates resume. The API pages the same
 * (each item once, also while messages arrive), searches the same, and shows nothing to another Space's admin. A
 * Space of 100,000 conversations pages at any depth and finds what its search windows reach, deep ones included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InboxBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SEEDED = 130;
    private static final int LONG_TALK = 120;
    private static final int ARCHIVED = 100_000;
    private static final String BOB = "bob-inbox";
    private static final String PASSWORD = "inbox-test-password-1";

    @TempDir
    static Path dataDir;
    BotApiEmulator telegram;
    ConfigurableApplicationContext host;
    JdbcClient jdbc;
    int port;
    ApiClient api;
    EmulatedBot bot;
    EmulatedUser carol;
    EmulatedUser dave;
    EmulatedUser erin;
    UUID space;
    UUID channel;
    UUID longTalk;
    String channelPath;
    Browser browser;

    @BeforeAll
    void start() {
        Browser.requireInstalled();
        telegram = BotApiEmulator.start();
        host = InProcessHost.start(telegram, dataDir,
                // a reply Telegram refused with a 502 waits long enough to be seen "Retrying"
                "smartchat.outbound.retry-delay=10m",
                "smartchat.outbound.max-retry-delay=10m",
                "smartchat.outbound.idle-poll=50ms",
                // the host learns that a page went away at the next heartbeat: this test opens pages quicker than
                // an agent, more than the default 8 within one
                "smartchat.live.max-streams-per-user=100");
        port = InProcessHost.port(host);
        jdbc = host.getBean(JdbcClient.class);
        api = ApiClient.admin(port);
        bot = telegram.createBot("Paging Support", "paging_support_bot");
        carol = telegram.createUser("Carol");
        dave = telegram.createUser("Dave");
        erin = telegram.createUser("Erin");
        space = UUID.fromString(api.post("/api/spaces", Map.of("name", "Busy")).body().get("id").asString());
        Response created = api.post("/api/spaces/" + space + "/channels", Map.of("provider", "telegram",
                "settings", Map.of("name", "Busy support", "token", bot.token())));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        channel = UUID.fromString(created.body().get("id").asString());
        channelPath = "/api/spaces/" + space + "/channels/" + channel;
        await().atMost(WAIT).until(() -> api.get(channelPath).body().get("state").asString().equals("RUNNING"));
        seed();
        for (EmulatedUser member : List.of(carol, dave, erin)) {
            member.send(bot, "hello from " + member.firstName());
        }
        await().atMost(WAIT).until(() -> conversationCount() == SEEDED + 4);
        browser = new Browser(port, "inbox");
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (host != null) {
            host.close();
        }
        telegram.close();
    }

    /**
     * Conversations "Member 001" to "Member 130" (@member001...), hours old, each with three messages
     * ("Order 7-1"...), every third one unread; and "Long talk", with 120 messages.
     */
    private void seed() {
        OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC).minusDays(2);
        for (int i = 1; i <= SEEDED; i++) {
            UUID member = UUID.randomUUID();
            String name = String.format("Member %03d", i);
            jdbc.sql("""
                    insert into audience_member (id, channel_id, external_id, display_name, username, first_contact_at,
                        greeted, blocked) values (:id, :channel, :external, :name, :username, :at, true, false)""")
                    .param("id", member).param("channel", channel).param("external", "seed-" + i)
                    .param("name", name).param("username", name.replace(" ", "").toLowerCase(Locale.ROOT))
                    .param("at", start).update();
            UUID conversation = conversation("seed-" + i, member, start.plusMinutes(i), i % 3 == 0 ? 2 : 0);
            for (int k = 1; k <= 3; k++) {
                message(conversation, member, "Order " + i + "-" + k, start.plusMinutes(i));
            }
        }
        longTalk = conversation("seed-long", null, start.plusHours(10), 0);
        jdbc.sql("update conversation set kind = 'GROUP', title = 'Long talk' where id = :id").param("id", longTalk)
                .update();
        for (int i = 1; i <= LONG_TALK; i++) {
            message(longTalk, null, String.format("Line %03d", i), start.plusHours(10));
        }
    }

    private UUID conversation(String external, UUID member, OffsetDateTime at, int unread) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into conversation (id, channel_id, space_id, external_id, kind, member_id, last_message_at, unread)
                values (:id, :channel, :space, :external, 'PRIVATE', :member, :at, :unread)""")
                .param("id", id).param("channel", channel).param("space", space).param("external", external)
                .param("member", member).param("at", at).param("unread", unread).update();
        return id;
    }

    private void message(UUID conversation, UUID member, String text, OffsetDateTime at) {
        jdbc.sql("""
                insert into message (id, conversation_id, direction, kind, member_id, text, status, created_at)
                values (:id, :conversation, 'IN', 'MESSAGE', :member, :text, 'RECEIVED', :at)""")
                .param("id", UUID.randomUUID()).param("conversation", conversation).param("member", member)
                .param("text", text).param("at", at).update();
    }

    @Test
    @Order(1)
    void theListLoadsMoreConversationsAtItsEnd() {
        browser.open("/spaces/" + space + "/inbox");
        browser.signIn(ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        browser.await(WAIT, driver -> browser.path().endsWith("/inbox") || browser.path().contains("/inbox?"));
        awaitLive();
        // the list is fetched again when live updates connect; once, beside another build, a name read empty around
        // that moment and never again: wait for a full list, which a name that stays empty still fails
        browser.await(WAIT, driver -> listed().size() == 50 && !listed().contains(""));
        assertThat(listed()).hasSize(50);
        assertThat(listed().subList(0, 3)).as("the newest first").containsExactlyInAnyOrder("Carol", "Dave", "Erin");
        browser.screenshot("first-page");

        for (int loaded : List.of(100, SEEDED + 4)) {
            browser.script("document.querySelector('[data-more]').scrollIntoView()");
            browser.await(WAIT, driver -> listed().size() == loaded);
        }
        List<String> all = listed();
        assertThat(new HashSet<>(all)).as("each conversation once").hasSize(SEEDED + 4);
        assertThat(all).contains("Member 001", "Member 130", "Long talk");
        assertThat(browser.present(By.cssSelector("[data-more]"))).as("the end of the list").isFalse();
        browser.screenshot("all-loaded");
    }

    @Test
    @Order(2)
    void searchFindsByNameUsernameAndMessageAndTheFilterKeepsUnreadOnes() {
        search("member 042", false);
        assertThat(listed()).containsExactly("Member 042");
        search("MEMBER042", false);
        assertThat(listed()).containsExactly("Member 042");
        search("order 77-2", false);
        assertThat(listed()).containsExactly("Member 077");
        browser.screenshot("search-by-message");
        search("nobody writes this", false);
        assertThat(browser.text(By.cssSelector("[data-no-match]"))).isEqualTo("No conversations match.");

        search("", true);
        int unread = jdbc.sql("select count(*) from conversation where space_id = :space and unread > 0")
                .param("space", space).query(Integer.class).single();
        assertThat(unread).isGreaterThan(40);
        assertThat(listed()).hasSize(unread);
        assertThat(texts("#conversation-list li[data-conversation] .unread")).hasSize(unread)
                .allSatisfy(badge -> assertThat(badge).endsWith("unread"));
        browser.screenshot("unread-only");
        Accessibility.check(browser, "the inbox, searched and filtered, with Mark read");

        UUID carols = conversationOf(carol);
        browser.click(By.cssSelector("li[data-conversation='" + carols + "'] .mark-read button"));
        browser.await(WAIT, driver -> !listed().contains("Carol"));
        assertThat(listed()).hasSize(unread - 1);
        assertThat(browser.find(By.id("inbox-unread-only")).isSelected()).as("the filter is kept").isTrue();
        assertThat(jdbc.sql("select unread from conversation where id = :id").param("id", carols)
                .query(Integer.class).single()).isZero();

        // a new message makes a read conversation unread again, and the live list shows it
        awaitLive();
        carol.send(bot, "one more thing");
        browser.await(WAIT, driver -> listed().contains("Carol"));
        browser.screenshot("unread-after-mark-read");
    }

    @Test
    @Order(3)
    void aLongTranscriptLoadsOlderMessagesWhenScrolledToItsTop() {
        browser.open("/spaces/" + space + "/inbox/" + longTalk);
        awaitLive();
        assertThat(lines()).hasSize(50).first().isEqualTo("Line 071");
        for (int loaded : List.of(100, LONG_TALK)) {
            browser.script("document.getElementById('transcript').scrollTop = 0;"
                    + "document.getElementById('transcript').dispatchEvent(new Event('scroll'))");
            browser.await(WAIT, driver -> lines().size() == loaded);
        }
        assertThat(lines()).first().isEqualTo("Line 001");
        assertThat(lines()).last().isEqualTo("Line 120");
        assertThat(browser.present(By.cssSelector("[data-older]"))).isFalse();
        browser.screenshot("older-messages-loaded");
    }

    @Test
    @Order(4)
    void eachDeliveryStateSaysWhatHappenedAndWhatAnAgentCanDo() {
        // Retrying: Telegram's 502, the next attempt 10 minutes later
        telegram.faults().failNext("sendMessage", 1, 502);
        replyInBrowser(carol, "We are looking into it");
        String retrying = awaitMessage("We are looking into it", "QUEUED", ".failure time");
        assertThat(delivery(retrying)).startsWith("Retrying: ").contains("Telegram").contains(", next attempt at ");
        assertThat(texts(retrying + " .send-again")).isEmpty();
        browser.screenshot("state-retrying");

        // Failed: refused as malformed, with Try again, which sends it
        telegram.faults().failNext("sendMessage", 1, 400);
        replyInBrowser(dave, "Your parcel left today");
        String failed = awaitMessage("Your parcel left today", "FAILED", ".send-again button");
        assertThat(delivery(failed)).startsWith("Failed: ").contains("400");
        assertThat(texts(failed + " .send-again button")).containsExactly("Try again");
        browser.screenshot("state-failed");
        browser.click(By.cssSelector(failed + " .send-again button"));
        awaitMessage("Your parcel left today", "SENT", ".status-sent");
        assertThat(telegram.sentTo(dave, bot)).extracting(SentMessage::text).containsExactly("Your parcel left today");
        browser.screenshot("state-failed-tried-again");

        // May not have been delivered: the answer was lost after Telegram sent it; Send again is the agent's call
        telegram.faults().loseNextAnswers("sendMessage", 1);
        replyInBrowser(erin, "Did this reach you?");
        String uncertain = awaitMessage("Did this reach you?", "UNCERTAIN", ".send-again button");
        assertThat(delivery(uncertain)).startsWith("May not have been delivered");
        assertThat(texts(uncertain + " .send-again button")).containsExactly("Send again");
        await().atMost(WAIT).until(() -> delivered(erin, "Did this reach you?") == 1);
        browser.screenshot("state-uncertain");
        Accessibility.check(browser, "a transcript with Send again");
        browser.click(By.cssSelector(uncertain + " .send-again button"));
        awaitMessage("Did this reach you?", "SENT", ".status-sent");
        assertThat(delivered(erin, "Did this reach you?")).as("sent again, as the agent asked").isEqualTo(2);
        browser.screenshot("state-uncertain-sent-again");

        // the API shows the same states and refuses to send again what was sent
        String erinsConversation = channelPath + "/conversations/" + conversationOf(erin);
        JsonNode sent = messageIn(erinsConversation, "Did this reach you?");
        assertThat(api.post(erinsConversation + "/messages/" + sent.get("id").asString() + "/retry", null).status())
                .isEqualTo(409);
        JsonNode waiting = messageIn(channelPath + "/conversations/" + conversationOf(carol), "We are looking into it");
        assertThat(waiting.get("status").asString()).isEqualTo("QUEUED");
        assertThat(waiting.get("retryReason").asString()).contains("Telegram");
        assertThat(waiting.get("nextAttemptAt").isNull()).isFalse();
    }

    @Test
    @Order(5)
    void afterTheSessionEndsThePageOffersToSignInAgainAndLiveUpdatesResume() {
        String conversationPage = "/spaces/" + space + "/inbox/" + conversationOf(erin);
        browser.open(conversationPage);
        awaitLive();
        browser.find(By.id("reply-text")).sendKeys("A draft that survives");

        jdbc.sql("delete from spring_session").update(); // the session ended (expired, or signed out elsewhere)
        erin.send(bot, "are you there?");
        browser.await(WAIT, driver -> browser.present(By.cssSelector("[data-sign-in]")));
        assertThat(browser.text(By.cssSelector("[data-live-status]"))).contains("Your session has ended");
        browser.screenshot("session-ended");
        Accessibility.check(browser, "the inbox after its session ended");

        browser.click(By.cssSelector("[data-sign-in]"));
        browser.await(WAIT, driver -> browser.path().startsWith("/login"));
        browser.signIn(ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        browser.await(WAIT, driver -> browser.path().startsWith(conversationPage));
        awaitLive();
        assertThat(lines()).contains("are you there?");
        assertThat(browser.find(By.id("reply-text")).getDomProperty("value")).isEqualTo("A draft that survives");

        erin.send(bot, "back again");
        browser.await(WAIT, driver -> lines().contains("back again"));
        browser.screenshot("signed-in-again-live");
    }

    @Test
    @Order(6)
    void theApiPagesEveryConversationOnceAlsoWhileMessagesArrive() {
        Set<String> before = new HashSet<>(jdbc.sql("select cast(id as varchar) from conversation where space_id = :space")
                .param("space", space).query(String.class).list());
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            Response page = api.get("/api/spaces/" + space + "/conversations?limit=7"
                    + (next == null ? "" : "&after=" + next));
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            page.body().get("conversations").forEach(conversation -> seen.add(conversation.get("id").asString()));
            next = page.body().get("next").isNull() ? null : page.body().get("next").asString();
            if (++pages == 2) {
                // a conversation of the first page gets a message, and a new one starts: neither repeats below
                carol.send(bot, "while you page");
                telegram.createUser("Newcomer").send(bot, "first time");
                await().atMost(WAIT).until(() -> conversationCount() == SEEDED + 5);
            }
        } while (next != null);
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(before);

        // a transcript, newest page first, then each page before it, while messages arrive
        String transcript = channelPath + "/conversations/" + longTalk + "/messages?limit=17";
        List<String> lines = new ArrayList<>();
        String first = null;
        do {
            JsonNode page = api.get(transcript + (first == null ? "" : "&before=" + first)).body();
            List<String> texts = new ArrayList<>();
            page.forEach(message -> texts.add(message.get("text").asString()));
            lines.addAll(0, texts);
            first = page.isEmpty() ? null : page.get(0).get("id").asString();
            message(longTalk, null, "Arrived while paging", OffsetDateTime.now(ZoneOffset.UTC));
        } while (first != null);
        assertThat(lines).hasSize(LONG_TALK).doesNotHaveDuplicates().startsWith("Line 001").endsWith("Line 120");
    }

    @Test
    @Order(7)
    void theApiSearchesAndFiltersLikeThePage() {
        String inbox = "/api/spaces/" + space + "/conversations";
        assertThat(names(api.get(inbox + "?q=member042"))).containsExactly("Member 042");
        assertThat(names(api.get(inbox + "?q=ORDER%2077-2"))).containsExactly("Member 077");
        assertThat(names(api.get(inbox + "?q=%25"))).as("% is a character, not a wildcard").isEmpty();
        assertThat(names(api.get(inbox + "?q=Member%20&channel=" + channel + "&limit=200"))).hasSize(SEEDED);
        api.get(inbox + "?unread=true&limit=200").body().get("conversations")
                .forEach(conversation -> assertThat(conversation.get("unread").asInt()).isPositive());

        String conversation = channelPath + "/conversations/" + conversationOf(carol);
        carol.send(bot, "unread again");
        await().atMost(WAIT).until(() -> names(api.get(inbox + "?unread=true&limit=200")).contains("Carol"));
        assertThat(api.post(conversation + "/read", null).status()).isEqualTo(204);
        assertThat(names(api.get(inbox + "?unread=true&limit=200"))).doesNotContain("Carol");

        Response badCursor = api.get(inbox + "?after=not-a-cursor");
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(badCursor.text()).contains("next");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("+100000-01-01T00:00:00Z/" + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII));
        assertThat(api.get(inbox + "?after=" + forged).status()).as("a time beyond any database's").isEqualTo(400);
    }

    @Test
    @Order(8)
    void anotherSpacesAdminFindsNothingOfThisInbox() {
        UUID other = UUID.fromString(api.post("/api/spaces", Map.of("name", "Elsewhere")).body().get("id").asString());
        Response otherChannel = api.post("/api/spaces/" + other + "/channels", Map.of("provider", "telegram",
                "settings", Map.of("name", "Elsewhere support", "token", telegram.createBot("Else", "else_inbox_bot").token())));
        WebSession admin = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        assertThat(admin.post("/users", Map.of("username", BOB, "password", PASSWORD)).status()).isEqualTo(302);
        assertThat(admin.post("/users/" + BOB + "/grants", Map.of("space", other.toString())).status()).isEqualTo(302);
        ApiClient bob = ApiClient.withToken(port, api.post("/api/users/" + BOB + "/tokens", Map.of("name", "inbox"))
                .body().get("token").asString());

        assertThat(bob.get("/api/spaces/" + other + "/conversations").status()).isEqualTo(200);
        for (String spelling : List.of(space.toString(), space.toString().toUpperCase(Locale.ROOT),
                space.toString().replace("-", ""), "%20" + space)) {
            Response refused = bob.get("/api/spaces/" + spelling + "/conversations?q=Member");
            assertThat(refused.status()).as(spelling).isEqualTo(404);
            assertThat(refused.text()).doesNotContain("Member");
        }
        // his own Space, filtered by this Space's channel: no such channel for him
        assertThat(bob.get("/api/spaces/" + other + "/conversations?channel=" + channel).status()).isEqualTo(404);
        assertThat(api.get("/api/spaces/" + space + "/conversations?channel="
                + otherChannel.body().get("id").asString()).status()).as("a channel of another Space").isEqualTo(404);

        WebSession bobsPages = WebSession.signIn(port, BOB, PASSWORD);
        String conversation = conversationOf(dave).toString();
        String sentReply = messageIn(channelPath + "/conversations/" + conversation, "Your parcel left today")
                .get("id").asString();
        for (String path : List.of("/spaces/" + space + "/inbox/" + conversation + "/read",
                "/spaces/" + space + "/inbox/" + conversation + "/messages/" + sentReply + "/send-again",
                "/spaces/" + other + "/inbox/" + conversation + "/read",
                "/spaces/" + other + "/inbox/" + conversation + "/messages/" + sentReply + "/send-again")) {
            assertThat(bobsPages.post(path, Map.of()).status()).as(path).isEqualTo(404);
        }
        assertThat(bobsPages.get("/spaces/" + other + "/inbox/list?q=Member").body()).doesNotContain("Member 0");
    }

    @Test
    @Order(9)
    void aSpaceOfAHundredThousandConversationsPagesAndSearchesInTheBrowser() {
        UUID archive = UUID.fromString(api.post("/api/spaces", Map.of("name", "Archive")).body().get("id").asString());
        String token = telegram.createBot("Archive", "archive_inbox_bot").token();
        Response created = api.post("/api/spaces/" + archive + "/channels", Map.of("provider", "telegram",
                "settings", Map.of("name", "Archive support", "token", token)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        long seeding = System.nanoTime();
        seedArchive(archive, UUID.fromString(created.body().get("id").asString()));
        System.out.printf("InboxBrowserTest: seeded %,d conversations in %d ms%n", ARCHIVED,
                Duration.ofNanos(System.nanoTime() - seeding).toMillis());
        String inbox = "/spaces/" + archive + "/inbox";

        browser.open(inbox);
        assertThat(listed()).hasSize(50).startsWith("Archived 100000", "Archived 099999").endsWith("Archived 099951");
        for (int loaded : List.of(100, 150)) {
            browser.script("document.querySelector('[data-more]').scrollIntoView()");
            browser.await(WAIT, driver -> listed().size() == loaded);
        }
        assertThat(listed()).doesNotHaveDuplicates().isSortedAccordingTo(Comparator.reverseOrder())
                .endsWith("Archived 099851");
        browser.screenshot("archive-scrolled");

        // deep in the list, by the link a page without script follows: a keyset page, as cheap as the first
        UUID deep = jdbc.sql("""
                select c.id from conversation c join audience_member m on m.id = c.member_id
                where c.space_id = :space and m.username = 'archived010001'""").param("space", archive)
                .query(UUID.class).single();
        OffsetDateTime deepAt = jdbc.sql("select last_message_at from conversation where id = :id").param("id", deep)
                .query(OffsetDateTime.class).single();
        String cursor = new ConversationRepository.Cursor(deepAt, deep).encoded();
        browser.open(inbox + "?after=" + cursor);
        // the live updates connect and list the page again: it must stay this page, not become the first
        awaitLive();
        browser.await(WAIT, driver -> listed().size() == 50 && listed().getFirst().equals("Archived 010000"));
        assertThat(listed()).hasSize(50).startsWith("Archived 010000").endsWith("Archived 009951");
        browser.screenshot("archive-deep-page");

        search(archive, "archived 099990", false);
        assertThat(listed()).containsExactly("Archived 099990");
        // found 58,000 conversations down: the page goes on through the search's windows as its end comes into view
        long searching = System.nanoTime();
        search(archive, "ARCHIVED042000", false);
        browser.await(WAIT, driver -> listed().contains("Archived 042000"));
        System.out.printf("InboxBrowserTest: a member 58,000 conversations down found in %d ms%n",
                Duration.ofNanos(System.nanoTime() - searching).toMillis());
        browser.screenshot("archive-search-deep");
        search(archive, "parcel 12345 is", false);
        browser.await(WAIT, driver -> listed().contains("Archived 012345"));
        browser.await(WAIT, driver -> !browser.present(By.cssSelector("[data-more]")));
        assertThat(listed()).containsExactly("Archived 012345");
        searching = System.nanoTime();
        search(archive, "nobody writes this", false);
        browser.await(WAIT, driver -> !browser.present(By.cssSelector("[data-more]")));
        System.out.printf("InboxBrowserTest: all 100,000 conversations searched in vain in %d ms%n",
                Duration.ofNanos(System.nanoTime() - searching).toMillis());
        assertThat(browser.text(By.cssSelector("[data-no-match]"))).isEqualTo("No conversations match.");
        browser.screenshot("archive-search-nothing");
    }

    /**
     * Members "Archived 000001" to "Archived 100000" (@archived000001...), a conversation each, a second apart, with
     * one message ("Parcel 1 is late"...): set-based inserts (H2's, as every browser test runs on H2), seconds where
     * row by row took minutes.
     */
    private void seedArchive(UUID archive, UUID archiveChannel) {
        OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC).minusDays(30);
        jdbc.sql("""
                insert into audience_member (id, channel_id, external_id, display_name, username, first_contact_at,
                    greeted, blocked)
                select random_uuid(), :channel, cast(n as varchar), 'Archived ' || lpad(cast(n as varchar), 6, '0'),
                    'archived' || lpad(cast(n as varchar), 6, '0'), :at, true, false
                from (select "X" as n from system_range(1, :count))""")
                .param("channel", archiveChannel).param("at", start).param("count", ARCHIVED).update();
        jdbc.sql("""
                insert into conversation (id, channel_id, space_id, external_id, kind, member_id, last_message_at, unread)
                select random_uuid(), :channel, :space, m.external_id, 'PRIVATE', m.id,
                    dateadd('SECOND', cast(m.external_id as int), cast(:at as timestamp with time zone)), 0
                from audience_member m where m.channel_id = :channel""")
                .param("channel", archiveChannel).param("space", archive).param("at", start).update();
        jdbc.sql("""
                insert into message (id, conversation_id, direction, kind, member_id, text, status, created_at)
                select random_uuid(), c.id, 'IN', 'MESSAGE', c.member_id, 'Parcel ' || c.external_id || ' is late',
                    'RECEIVED', c.last_message_at
                from conversation c where c.channel_id = :channel""")
                .param("channel", archiveChannel).update();
    }

    private void awaitLive() {
        browser.await(WAIT, driver -> "on".equals(browser.find(By.cssSelector("[data-inbox]")).getDomAttribute("data-live")));
    }

    private void replyInBrowser(EmulatedUser member, String text) {
        browser.open("/spaces/" + space + "/inbox/" + conversationOf(member));
        browser.find(By.id("reply-text")).sendKeys(text);
        browser.click(By.id("send"));
    }

    /**
     * The selector of the message's entry, once it has the status and shows the element (the live page updates it).
     */
    private String awaitMessage(String text, String status, String shows) {
        return browser.await(WAIT, driver -> (String) browser.script("""
                var text = arguments[0], status = arguments[1], shows = arguments[2];
                var found = Array.from(document.querySelectorAll('#transcript li[data-message]')).find(function (item) {
                  return item.textContent.indexOf(text) >= 0 && item.getAttribute('data-status') === status
                    && item.querySelector(shows);
                });
                return found ? '#' + found.id : null;""", text, status, shows));
    }

    /** What the delivery line of a message says, on one line. */
    private String delivery(String message) {
        return String.join(" ", texts(message + " .delivery")).replaceAll("\\s+", " ");
    }

    private void search(String text, boolean unreadOnly) {
        search(space, text, unreadOnly);
    }

    private void search(UUID inSpace, String text, boolean unreadOnly) {
        browser.open("/spaces/" + inSpace + "/inbox");
        WebElement box = browser.find(By.id("inbox-q"));
        box.clear();
        box.sendKeys(text);
        if (unreadOnly) {
            browser.find(By.id("inbox-unread-only")).click();
        }
        browser.click(By.id("inbox-search"));
        browser.await(WAIT, driver -> browser.path().contains("q="));
    }

    private List<String> listed() {
        return texts("#conversation-list .conversation-name");
    }

    private List<String> lines() {
        return texts("#transcript .message-text");
    }

    /** The elements' texts, read at once: a live update may replace them between two reads. */
    @SuppressWarnings("unchecked")
    private List<String> texts(String selector) {
        return (List<String>) browser.script("return Array.from(document.querySelectorAll(arguments[0]))"
                + ".map(function (element) { return element.textContent.trim(); })", selector);
    }

    private List<String> names(Response page) {
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        page.body().get("conversations").forEach(conversation -> names.add(
                conversation.get("memberName").isNull() ? conversation.get("title").asString()
                        : conversation.get("memberName").asString()));
        return names;
    }

    private int conversationCount() {
        return jdbc.sql("select count(*) from conversation where space_id = :space").param("space", space)
                .query(Integer.class).single();
    }

    private UUID conversationOf(EmulatedUser member) {
        return jdbc.sql("""
                select c.id from conversation c join audience_member m on m.id = c.member_id
                where c.channel_id = :channel and m.display_name = :name""")
                .param("channel", channel).param("name", member.firstName()).query(UUID.class).single();
    }

    private JsonNode messageIn(String conversation, String text) {
        for (JsonNode message : api.get(conversation + "/messages").body()) {
            if (text.equals(message.path("text").asString(null))) {
                return message;
            }
        }
        throw new AssertionError("no message " + text);
    }

    private long delivered(EmulatedUser member, String text) {
        return telegram.sentTo(member, bot).stream().filter(sent -> sent.text().equals(text)).count();
    }
}
