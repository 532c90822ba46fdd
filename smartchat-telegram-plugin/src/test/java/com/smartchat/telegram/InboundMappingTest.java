package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.channel.spi.Attachment;
import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.tck.TestChannelContext;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedGroup;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.UserMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kind of update Telegram sends becomes the SPI event that says the same, or Unrecognized with its JSON. */
class InboundMappingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static BotApiEmulator telegram;
    private EmulatedBot bot;
    private EmulatedUser alice;
    private TestChannelContext context;
    private Channel channel;
    private int consumed;

    @BeforeAll
    static void startTelegram() {
        telegram = TelegramTests.emulator();
    }

    @AfterAll
    static void stopTelegram() {
        telegram.close();
    }

    @BeforeEach
    void startChannel() throws Exception {
        bot = telegram.newBot("Mapping Bot", "mapping" + System.nanoTime() % 1_000_000 + "_bot")
                .canReadAllGroupMessages(true).create();
        alice = telegram.createUser("Alice", "alice", "en");
        context = new TestChannelContext(TelegramTests.settings(telegram, bot.token()));
        channel = new TelegramChannelProvider().open(context);
        channel.start();
    }

    @AfterEach
    void stopChannel() throws Exception {
        channel.stop();
        context.close();
    }

    /** The event after the last one this test looked at. */
    private InboundEvent next() throws InterruptedException {
        return context.awaitEvents(++consumed, WAIT).getLast();
    }

    private <T extends InboundEvent> T nextAs(Class<T> type) throws InterruptedException {
        InboundEvent event = next();
        assertThat(event).isInstanceOf(type);
        return type.cast(event);
    }

    @Test
    void textMessageCarriesItsIdsTimeConversationAndAuthor() throws Exception {
        UserMessage sent = alice.send(bot, "hello there");

        InboundEvent.MessageReceived message = nextAs(InboundEvent.MessageReceived.class);
        assertThat(Long.parseLong(message.eventId())).isPositive();
        assertThat(message.messageId()).isEqualTo(String.valueOf(sent.messageId()));
        assertThat(message.occurredAt()).isEqualTo(sent.date());
        assertThat(message.conversation()).isEqualTo(
                new Conversation(String.valueOf(alice.id()), Conversation.Kind.PRIVATE, null));
        assertThat(message.text()).isEqualTo("hello there");
        assertThat(message.command()).isNull();
        assertThat(message.attachments()).isEmpty();
    }

    @Test
    void deepLinkStartArrivesAsCommandWithPayload() throws Exception {
        alice.start(bot, "campaign_42");

        InboundEvent.MessageReceived message = nextAs(InboundEvent.MessageReceived.class);
        assertThat(message.text()).isEqualTo("/start campaign_42");
        assertThat(message.command()).isEqualTo(new InboundEvent.Command("start", "campaign_42"));
    }

    @Test
    void plainStartArrivesAsCommandWithoutArgument() throws Exception {
        alice.start(bot);

        assertThat(nextAs(InboundEvent.MessageReceived.class).command())
                .isEqualTo(new InboundEvent.Command("start", null));
    }

    @Test
    void photoArrivesAsItsLargestSizeWithCaption() throws Exception {
        alice.sendPhoto(bot, "my cat");

        InboundEvent.MessageReceived message = nextAs(InboundEvent.MessageReceived.class);
        assertThat(message.text()).isEqualTo("my cat");
        Attachment photo = message.attachments().getFirst();
        assertThat(photo.kind()).isEqualTo(Attachment.Kind.PHOTO);
        assertThat(photo.reference()).isNotBlank().doesNotContain("/").doesNotContain(bot.token());
        assertThat(photo.sizeBytes()).isEqualTo(96_000);
        assertThat(photo.caption()).isEqualTo("my cat");
        assertThat(photo.details()).containsEntry("width", "1280").containsEntry("height", "960");
    }

    @Test
    void documentArrivesWithNameTypeAndSize() throws Exception {
        alice.sendDocument(bot, "report.pdf", "application/pdf", 54_321);

        Attachment document = nextAs(InboundEvent.MessageReceived.class).attachments().getFirst();
        assertThat(document.kind()).isEqualTo(Attachment.Kind.DOCUMENT);
        assertThat(document.fileName()).isEqualTo("report.pdf");
        assertThat(document.mimeType()).isEqualTo("application/pdf");
        assertThat(document.sizeBytes()).isEqualTo(54_321);
    }

    @Test
    void audioVoiceVideoAndStickerArriveWithTheirFacts() throws Exception {
        alice.sendAudio(bot, "song.mp3", 180);
        Attachment audio = nextAs(InboundEvent.MessageReceived.class).attachments().getFirst();
        alice.sendVoice(bot, 7);
        Attachment voice = nextAs(InboundEvent.MessageReceived.class).attachments().getFirst();
        alice.sendVideo(bot, "clip", 12);
        InboundEvent.MessageReceived videoMessage = nextAs(InboundEvent.MessageReceived.class);
        alice.sendSticker(bot, "👍");
        Attachment sticker = nextAs(InboundEvent.MessageReceived.class).attachments().getFirst();

        assertThat(audio.kind()).isEqualTo(Attachment.Kind.AUDIO);
        assertThat(audio.details()).containsEntry("duration", "180");
        assertThat(audio.fileName()).isEqualTo("song.mp3");
        assertThat(voice.kind()).isEqualTo(Attachment.Kind.VOICE);
        assertThat(voice.details()).containsEntry("duration", "7");
        assertThat(videoMessage.text()).isEqualTo("clip");
        assertThat(videoMessage.attachments().getFirst().kind()).isEqualTo(Attachment.Kind.VIDEO);
        assertThat(videoMessage.attachments().getFirst().details()).containsEntry("duration", "12");
        assertThat(sticker.kind()).isEqualTo(Attachment.Kind.STICKER);
        assertThat(sticker.mimeType()).isEqualTo("image/webp");
        assertThat(sticker.details()).containsEntry("emoji", "👍").containsEntry("width", "512");
    }

    @Test
    void locationArrivesWithLatitudeAndLongitude() throws Exception {
        alice.sendLocation(bot, 52.520008, 13.404954);

        Attachment location = nextAs(InboundEvent.MessageReceived.class).attachments().getFirst();
        assertThat(location.kind()).isEqualTo(Attachment.Kind.LOCATION);
        assertThat(location.reference()).isNull();
        assertThat(location.details()).containsEntry("latitude", "52.520008").containsEntry("longitude", "13.404954");
    }

    @Test
    void contactArrivesWithPhoneAndName() throws Exception {
        alice.sendContact(bot, "+4930123456", "Bob");

        Attachment contact = nextAs(InboundEvent.MessageReceived.class).attachments().getFirst();
        assertThat(contact.kind()).isEqualTo(Attachment.Kind.CONTACT);
        assertThat(contact.details()).containsEntry("phone", "+4930123456").containsEntry("name", "Bob");
    }

    @Test
    void editedMessageArrivesAsMessageEdited() throws Exception {
        UserMessage original = alice.send(bot, "helo");
        next();

        alice.edit(bot, original.messageId(), "hello");

        InboundEvent.MessageEdited edit = nextAs(InboundEvent.MessageEdited.class);
        assertThat(edit.messageId()).isEqualTo(String.valueOf(original.messageId()));
        assertThat(edit.text()).isEqualTo("hello");
    }

    @Test
    void blockingAndUnblockingTheBotArriveAsMemberBlockedAndUnblocked() throws Exception {
        alice.send(bot, "hi");
        next();

        alice.block(bot);
        InboundEvent.MemberBlocked blocked = nextAs(InboundEvent.MemberBlocked.class);
        alice.unblock(bot);
        InboundEvent.MemberUnblocked unblocked = nextAs(InboundEvent.MemberUnblocked.class);

        assertThat(blocked.member().externalId()).isEqualTo(String.valueOf(alice.id()));
        assertThat(blocked.conversation().kind()).isEqualTo(Conversation.Kind.PRIVATE);
        assertThat(unblocked.member().externalId()).isEqualTo(String.valueOf(alice.id()));
    }

    @Test
    void groupMessagesCarryTheGroupAndUpgradeArrivesAsConversationMoved() throws Exception {
        EmulatedUser bob = telegram.createUser("Bob");
        EmulatedGroup group = telegram.createGroup("Team", bot, alice, bob);
        long oldId = group.id();
        group.send(bob, "morning all");
        TelegramTests.await("the group message", WAIT, () -> context.events().stream()
                .anyMatch(event -> event instanceof InboundEvent.MessageReceived m && "morning all".equals(m.text())));
        InboundEvent.MessageReceived groupMessage = context.events().stream()
                .filter(event -> event instanceof InboundEvent.MessageReceived m && "morning all".equals(m.text()))
                .map(InboundEvent.MessageReceived.class::cast).findFirst().orElseThrow();
        assertThat(groupMessage.conversation()).isEqualTo(
                new Conversation(String.valueOf(oldId), Conversation.Kind.GROUP, "Team"));
        assertThat(groupMessage.member().displayName()).isEqualTo("Bob");

        long newId = group.migrateToSupergroup();

        TelegramTests.await("the move", WAIT, () -> context.events().stream()
                .anyMatch(event -> event instanceof InboundEvent.ConversationMoved));
        InboundEvent.ConversationMoved moved = context.events().stream()
                .filter(InboundEvent.ConversationMoved.class::isInstance).map(InboundEvent.ConversationMoved.class::cast)
                .findFirst().orElseThrow();
        assertThat(moved.conversation().externalId()).isEqualTo(String.valueOf(oldId));
        assertThat(moved.newConversationId()).isEqualTo(String.valueOf(newId));
        // the bot being added to the group and the "group created" service message are kept, not dropped
        assertThat(context.events()).filteredOn(InboundEvent.Unrecognized.class::isInstance)
                .extracting(event -> ((InboundEvent.Unrecognized) event).type())
                .contains("my_chat_member", "message.group_chat_created");
    }

    @Test
    void updateTypeTelegramBotsDoesNotKnowArrivesAsUnrecognizedWithItsJson() throws Exception {
        // The emulator cannot send an update type newer than TelegramBots' model; a scripted server can.
        try (StubBotApi stub = StubBotApi.start();
             TestChannelContext stubContext = new TestChannelContext(TelegramTests.settings(stub.baseUrl(),
                     "42:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))) {
            stub.answer("getMe", "{\"ok\":true,\"result\":{\"id\":42,\"is_bot\":true,\"first_name\":\"Stub\","
                    + "\"username\":\"stub_bot\"}}");
            stub.answer("getWebhookInfo", "{\"ok\":true,\"result\":{\"url\":\"\",\"pending_update_count\":0}}");
            stub.updates("{\"ok\":true,\"result\":["
                    + "{\"update_id\":7001,\"future_thing\":{\"id\":\"x1\",\"stars\":5}},"
                    + "{\"update_id\":7002,\"message\":{\"message_id\":1,\"date\":1700000000,\"chat\":{\"id\":5,"
                    + "\"type\":\"private\",\"first_name\":\"Eve\"},\"from\":{\"id\":5,\"is_bot\":false,"
                    + "\"first_name\":\"Eve\"},\"text\":\"after\",\"brand_new_field\":{\"a\":1}}},"
                    + "{\"update_id\":7003,\"channel_post\":{\"message_id\":9,\"date\":1700000001,\"chat\":{\"id\":"
                    + "-1001234567890,\"type\":\"channel\",\"title\":\"News\"},\"text\":\"announcement\"}},"
                    + "{\"update_id\":7004,\"poll_answer\":{\"poll_id\":\"p1\",\"user\":{\"id\":5,\"is_bot\":false,"
                    + "\"first_name\":\"Eve\"},\"option_ids\":[0]}}"
                    + "]}");
            Channel stubChannel = new TelegramChannelProvider().open(stubContext);
            stubChannel.start();
            try {
                List<InboundEvent> events = stubContext.awaitEvents(4, WAIT);

                assertThat(events.get(0)).isInstanceOfSatisfying(InboundEvent.Unrecognized.class, unknown -> {
                    assertThat(unknown.eventId()).isEqualTo("7001");
                    assertThat(unknown.type()).isEqualTo("future_thing");
                    assertThat(unknown.payload()).contains("\"future_thing\"").contains("\"stars\":5");
                });
                assertThat(events.get(1)).isInstanceOfSatisfying(InboundEvent.MessageReceived.class,
                        message -> assertThat(message.text()).isEqualTo("after"));
                assertThat(events.get(2)).isInstanceOfSatisfying(InboundEvent.MessageReceived.class, post -> {
                    assertThat(post.conversation()).isEqualTo(
                            new Conversation("-1001234567890", Conversation.Kind.BROADCAST, "News"));
                    assertThat(post.member()).isNull();
                });
                assertThat(events.get(3)).isInstanceOfSatisfying(InboundEvent.Unrecognized.class,
                        unknown -> assertThat(unknown.type()).isEqualTo("poll_answer"));
            } finally {
                stubChannel.stop();
            }
        }
    }
}
