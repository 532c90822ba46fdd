package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.tck.TestChannelContext;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.EmulatorOptions;
import com.smartchat.telegram.emulator.OddUpdates;
import com.smartchat.telegram.emulator.RateLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No input stalls a channel: the emulator serves every update kind of the Bot API, kinds and fields newer than the
 * plugin, odd but valid JSON and updates without a usable id, between good updates and last in a batch, by polling
 * and by webhook, plus one update the host refuses every time. Every update with a usable id is stored once under
 * it, nothing under an id the plugin made up, the rest is set aside, and the channel keeps receiving.
 */
class PoisonInputTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String REFUSED = "the host refuses this one";

    private static BotApiEmulator telegram;
    private final TelegramChannelProvider provider = new TelegramChannelProvider();

    @BeforeAll
    static void startTelegram() {
        // Telegram retries a webhook delivery for a long time; enough quick retries stand in for that here
        telegram = BotApiEmulator.start(EmulatorOptions.defaults().withRateLimits(RateLimits.off())
                .withWebhookRetries(TelegramChannel.ATTEMPTS + 3, Duration.ofMillis(100)));
    }

    @AfterAll
    static void stopTelegram() {
        telegram.close();
    }

    @Test
    void pollingStoresEveryUpdateWithAnIdOnceSetsTheRestAsideAndMovesOn() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        EmulatedUser alice = telegram.createUser("Alice", "alice", "en");
        List<InboundEvent> stored = new ArrayList<>();
        try (TestChannelContext kit = new TestChannelContext(TelegramTests.settings(telegram, bot.token()))) {
            kit.refuseEvents(PoisonInputTest::refused);
            // all queued before the channel polls: one batch, with an update without id last
            Expected expected = queuePoison(bot, alice);
            Channel channel = provider.open(new RecordingContext(kit, stored, null));
            channel.start();
            try {
                assertEverythingHandled(kit, stored, expected);
                assertThat(kit.count("updates.set-aside")).isEqualTo(expected.setAside());

                alice.send(bot, "after the poison");
                TelegramTests.await("the message after the poison", WAIT, () -> texts(kit).contains("after the poison"));
                TelegramTests.await("everything confirmed", WAIT, () -> telegram.pendingUpdateCount(bot) == 0);
                assertThat(channel.status().state()).isEqualTo(ChannelState.RUNNING);
                synchronized (stored) {
                    assertThat(stored).as("no update read twice: the offset never went back")
                            .extracting(InboundEvent::eventId).doesNotHaveDuplicates();
                }
            } finally {
                channel.stop();
            }
        }
    }

    @Test
    void webhookStoresEveryUpdateWithAnIdOnceAndAnswersTheRestAfterSettingThemAside() throws Exception {
        EmulatedBot bot = TelegramTests.bot(telegram);
        EmulatedUser alice = telegram.createUser("Alice", "alice", "en");
        List<InboundEvent> stored = new ArrayList<>();
        try (WebhookReceiver receiver = new WebhookReceiver();
             TestChannelContext kit = new TestChannelContext(TelegramTests.webhookSettings(telegram, bot.token(),
                     receiver.url("")))) {
            kit.refuseEvents(PoisonInputTest::refused);
            Channel channel = provider.open(new RecordingContext(kit, stored, receiver.url("poison")));
            receiver.routeTo(channel);
            channel.start();
            try {
                Expected expected = queuePoison(bot, alice);
                assertEverythingHandled(kit, stored, expected);
                TelegramTests.await("every update answered 200", WAIT, () -> telegram.pendingUpdateCount(bot) == 0);
                assertThat(receiver.answers()).as("only the refused update was answered 503, until set aside")
                        .containsOnly(200, 503);
                assertThat(Collections.frequency(receiver.answers(), 503)).isEqualTo(TelegramChannel.ATTEMPTS - 1);

                alice.send(bot, "after the poison");
                TelegramTests.await("the message after the poison", WAIT, () -> texts(kit).contains("after the poison"));
            } finally {
                channel.stop();
            }
        }
    }

    /** What a run must end with. */
    private record Expected(Set<String> storedIds, int goodMessages, Set<String> idlessIds, int setAside) {
    }

    /**
     * Queues good messages with every odd update between them, one the host refuses, and an update without id
     * last.
     */
    private static Expected queuePoison(EmulatedBot bot, EmulatedUser alice) {
        List<OddUpdates.OddUpdate> odd = new ArrayList<>(OddUpdates.everyKind(alice, -1_000_777L));
        odd.addAll(OddUpdates.oddJson(alice));
        Set<String> storedIds = new TreeSet<>();
        Set<String> idlessIds = new TreeSet<>();
        alice.send(bot, "good 0");
        int good = 1;
        int i = 0;
        for (OddUpdates.OddUpdate update : odd) {
            int id = telegram.injectUpdate(bot, update.chatId(), update.json());
            (update.usableId() ? storedIds : idlessIds).add(String.valueOf(id));
            if (++i % 5 == 0) {
                alice.send(bot, "good " + i);
                good++;
            }
        }
        alice.send(bot, REFUSED);
        alice.send(bot, "good last");
        good++;
        idlessIds.add(String.valueOf(telegram.injectUpdate(bot, alice.id(), id -> "{\"message\":{\"message_id\":1,"
                + "\"chat\":{\"id\":" + alice.id() + ",\"type\":\"private\"},\"date\":1,\"text\":\"no id, last\"}}")));
        return new Expected(storedIds, good, idlessIds, idlessIds.size() + 1);
    }

    private static void assertEverythingHandled(TestChannelContext kit, List<InboundEvent> stored, Expected expected)
            throws InterruptedException {
        TelegramTests.await("every update stored or set aside", WAIT,
                () -> texts(kit).contains("good last") && kit.setAside().size() == expected.setAside());
        Set<String> ids = new TreeSet<>();
        kit.events().forEach(event -> ids.add(event.eventId()));
        assertThat(ids).as("every odd update with an id is stored under it").containsAll(expected.storedIds());
        assertThat(texts(kit)).contains("good 0", "good 5", "good 40", "good last").doesNotContain(REFUSED);
        assertThat(ids).as("nothing stored under an id the update did not carry")
                .hasSize(expected.storedIds().size() + expected.goodMessages())
                .doesNotContainAnyElementsOf(expected.idlessIds());
        List<TestChannelContext.SetAside> aside = kit.setAside();
        assertThat(aside).filteredOn(kept -> kept.eventId() == null).hasSize(expected.setAside() - 1)
                .allSatisfy(kept -> assertThat(kept.reason()).contains("update_id"));
        assertThat(aside).filteredOn(kept -> kept.eventId() != null).singleElement().satisfies(kept -> {
            assertThat(kept.payload()).contains(REFUSED);
            assertThat(kept.type()).isEqualTo("message");
            assertThat(kept.reason()).contains("after " + TelegramChannel.ATTEMPTS + " attempts");
            assertThat(ids).doesNotContain(kept.eventId());
        });
        synchronized (stored) {
            assertThat(stored).extracting(InboundEvent::eventId).doesNotHaveDuplicates();
        }
    }

    private static boolean refused(InboundEvent event) {
        return event instanceof InboundEvent.MessageReceived message && REFUSED.equals(message.text());
    }

    private static List<String> texts(TestChannelContext kit) {
        return kit.events().stream()
                .map(event -> event instanceof InboundEvent.MessageReceived message ? message.text() : null)
                .filter(Objects::nonNull).toList();
    }
}
