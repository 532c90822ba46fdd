package com.smartchat.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.smartchat.channel.spi.Attachment;
import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.OutboundMessage.Button;
import com.smartchat.channel.spi.OutboundMessage.Format;
import com.smartchat.channel.spi.SendReceipt;
import com.smartchat.channel.tck.TestChannelContext;
import com.smartchat.telegram.emulator.BotApiEmulator;
import com.smartchat.telegram.emulator.ButtonPress;
import com.smartchat.telegram.emulator.EmulatedBot;
import com.smartchat.telegram.emulator.EmulatedGroup;
import com.smartchat.telegram.emulator.EmulatedUser;
import com.smartchat.telegram.emulator.RateLimits;
import com.smartchat.telegram.emulator.SentMessage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sending through a running channel, one attempt each, failures typed. */
class SendingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static BotApiEmulator telegram;
    private EmulatedBot bot;
    private EmulatedUser alice;
    private TestChannelContext context;
    private Channel channel;

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
        bot = TelegramTests.bot(telegram);
        alice = telegram.createUser("Alice", "alice", "en");
        alice.send(bot, "hello"); // a private chat exists once the user wrote
        context = new TestChannelContext(TelegramTests.settings(telegram, bot.token()));
        channel = new TelegramChannelProvider().open(context);
        channel.start();
        context.awaitEvents(1, WAIT);
    }

    @AfterEach
    void stopChannel() throws Exception {
        channel.stop();
        context.close();
        telegram.rateLimits(RateLimits.off());
        telegram.faults().clear();
    }

    private String aliceChat() {
        return String.valueOf(alice.id());
    }

    private SendReceipt send(OutboundMessage message) throws Exception {
        return channel.send(message).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ChannelException failure(OutboundMessage message) throws Exception {
        Throwable thrown = catchThrowable(() -> send(message));
        assertThat(thrown).isInstanceOf(ExecutionException.class).cause().isInstanceOf(ChannelException.class);
        return (ChannelException) thrown.getCause();
    }

    @Test
    void plainTextIsSentAsItIsWithoutParseMode() throws Exception {
        SendReceipt receipt = send(OutboundMessage.text(aliceChat(), "Hi *Alice*, 1+1=2."));

        SentMessage sent = telegram.awaitSent(alice, bot, 1, WAIT).getLast();
        assertThat(sent.text()).isEqualTo("Hi *Alice*, 1+1=2.");
        assertThat(sent.parseMode()).isNull();
        assertThat(receipt.messageIds()).containsExactly(String.valueOf(sent.messageId()));
    }

    @Test
    void textOf9000CharactersArrivesAsThreeMessages() throws Exception {
        StringBuilder text = new StringBuilder();
        int sentence = 0;
        while (text.length() < 9000) {
            text.append("Sentence number ").append(++sentence).append(" says something useful. ");
            if (sentence % 12 == 0) {
                text.append("\n\n");
            }
        }
        String message = text.substring(0, 9000);

        SendReceipt receipt = send(OutboundMessage.text(aliceChat(), message));

        List<SentMessage> sent = telegram.awaitSent(alice, bot, 3, WAIT);
        assertThat(sent).hasSize(3).allSatisfy(part -> assertThat(part.text().length()).isLessThanOrEqualTo(4096));
        assertThat(receipt.messageIds()).hasSize(3);
        assertThat(String.join("", sent.stream().map(SentMessage::text).toList()).replaceAll("\\s", ""))
                .isEqualTo(message.replaceAll("\\s", ""));
        assertThat(sent.getFirst().text()).endsWith(".");
    }

    @Test
    void markdownIsSentAsMarkdownV2WithEverythingElseEscaped() throws Exception {
        send(new OutboundMessage(aliceChat(), "*Order* #42 is _ready_ (see [site](https://example.com/a_b)) - 1+1=2!",
                Format.MARKDOWN, List.of(), null, null));

        SentMessage sent = telegram.awaitSent(alice, bot, 1, WAIT).getLast();
        assertThat(sent.parseMode()).isEqualTo("MarkdownV2");
        assertThat(sent.text()).isEqualTo("Order #42 is ready (see site) - 1+1=2!");
    }

    @Test
    void markdownTelegramCannotParseIsResentAsPlainText() throws Exception {
        // "_a__b_": two italics back to back read "__", which Telegram takes for underline and then cannot close
        String text = "_a__b_ and the rest of the words";

        SendReceipt receipt = send(new OutboundMessage(aliceChat(), text, Format.MARKDOWN, List.of(), null, null));

        SentMessage sent = telegram.awaitSent(alice, bot, 1, WAIT).getLast();
        assertThat(sent.parseMode()).isNull();
        assertThat(sent.text()).isEqualTo(text);
        assertThat(receipt.messageIds()).hasSize(1);
    }

    @Test
    void htmlKeepsTelegramTagsAndEscapesTheRest() throws Exception {
        send(new OutboundMessage(aliceChat(), "<b>Total</b> < 5 & <i>tax</i> <script>x</script>", Format.HTML,
                List.of(), null, null));

        SentMessage sent = telegram.awaitSent(alice, bot, 1, WAIT).getLast();
        assertThat(sent.parseMode()).isEqualToIgnoringCase("html");
        assertThat(sent.text()).isEqualTo("Total < 5 & tax <script>x</script>");
    }

    @Test
    void buttonsAreSentAndAPressArrivesAsButtonPressedAndIsAnswered() throws Exception {
        send(new OutboundMessage(aliceChat(), "Was this helpful?", Format.PLAIN, List.of(
                List.of(Button.callback("Yes", "helpful:yes"), Button.callback("No", "helpful:no")),
                List.of(Button.link("Help centre", "https://example.com/help"))), null, null));

        SentMessage sent = telegram.awaitSent(alice, bot, 1, WAIT).getLast();
        assertThat(sent.buttons()).containsExactly(
                new SentMessage.Button("Yes", "helpful:yes", null),
                new SentMessage.Button("No", "helpful:no", null),
                new SentMessage.Button("Help centre", null, "https://example.com/help"));

        ButtonPress press = alice.pressButton(bot, sent.messageId(), "helpful:yes");

        InboundEvent event = context.awaitEvents(2, WAIT).getLast();
        assertThat(event).isInstanceOfSatisfying(InboundEvent.ButtonPressed.class, pressed -> {
            assertThat(pressed.data()).isEqualTo("helpful:yes");
            assertThat(pressed.messageId()).isEqualTo(String.valueOf(sent.messageId()));
            assertThat(pressed.conversation().externalId()).isEqualTo(aliceChat());
            assertThat(pressed.member().externalId()).isEqualTo(aliceChat());
        });
        press.awaitAnswer(WAIT); // the user's spinner stops
    }

    @Test
    void replyGoesUnderTheMessageItAnswers() throws Exception {
        var question = alice.send(bot, "Where is my order?");

        send(new OutboundMessage(aliceChat(), "On its way.", Format.PLAIN, List.of(), null,
                String.valueOf(question.messageId())));

        assertThat(telegram.awaitSent(alice, bot, 1, WAIT).getLast().replyToMessageId())
                .isEqualTo(question.messageId());
    }

    @Test
    void photoByUrlWithALongCaptionSendsTheCaptionAsTheNextMessage() throws Exception {
        String caption = "A long caption. ".repeat(80).strip(); // 1279 characters: above 1024
        Attachment photo = Attachment.file(Attachment.Kind.PHOTO, "https://example.com/cat.jpg");

        SendReceipt receipt = send(new OutboundMessage(aliceChat(), caption, Format.PLAIN, List.of(), photo, null));

        List<SentMessage> sent = telegram.awaitSent(alice, bot, 2, WAIT);
        assertThat(sent).extracting(SentMessage::kind).containsExactly(SentMessage.Kind.PHOTO, SentMessage.Kind.TEXT);
        assertThat(sent.getFirst().text()).isNull();
        assertThat(sent.getLast().text()).isEqualTo(caption);
        assertThat(receipt.messageIds()).hasSize(2);
    }

    @Test
    void receivedFileIsSentOnByItsFileIdWithCaption() throws Exception {
        alice.sendDocument(bot, "invoice.pdf", "application/pdf", 12_345);
        InboundEvent.MessageReceived received = (InboundEvent.MessageReceived) context.awaitEvents(2, WAIT).getLast();
        Attachment document = received.attachments().getFirst();

        send(new OutboundMessage(aliceChat(), "Your invoice", Format.PLAIN, List.of(), document, null));

        SentMessage sent = telegram.awaitSent(alice, bot, 1, WAIT).getLast();
        assertThat(sent.kind()).isEqualTo(SentMessage.Kind.DOCUMENT);
        assertThat(sent.fileId()).isEqualTo(document.reference());
        assertThat(sent.text()).isEqualTo("Your invoice");
    }

    @Test
    void locationAndContactAreSentFromTheirDetails() throws Exception {
        send(new OutboundMessage(aliceChat(), null, Format.PLAIN, List.of(), new Attachment(Attachment.Kind.LOCATION,
                null, null, -1, null, null, Map.of("latitude", "52.52", "longitude", "13.405")), null));
        send(new OutboundMessage(aliceChat(), null, Format.PLAIN, List.of(), new Attachment(Attachment.Kind.CONTACT,
                null, null, -1, null, null, Map.of("phone", "+4930123456", "name", "Support")), null));

        assertThat(telegram.awaitSent(alice, bot, 2, WAIT)).extracting(SentMessage::kind)
                .containsExactly(SentMessage.Kind.LOCATION, SentMessage.Kind.CONTACT);
    }

    @Test
    void floodOfSendsFailsRateLimitedWithTelegramsExactRetryAfter() throws Exception {
        telegram.rateLimits(RateLimits.telegram().withChat(1, Duration.ofSeconds(7)));
        long tooManyBefore = telegram.tooManyRequestsCount();

        List<CompletableFuture<SendReceipt>> sends = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sends.add(channel.send(OutboundMessage.text(aliceChat(), "flood " + i)).toCompletableFuture());
        }
        List<ChannelException> failures = new ArrayList<>();
        int delivered = 0;
        for (CompletableFuture<SendReceipt> send : sends) {
            try {
                send.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                delivered++;
            } catch (ExecutionException e) {
                failures.add((ChannelException) e.getCause());
            }
        }

        assertThat(delivered).isEqualTo(1);
        assertThat(failures).hasSize(9).allSatisfy(failure -> {
            assertThat(failure.kind()).isEqualTo(FailureKind.RATE_LIMITED);
            // the emulator answers retry_after = the seconds until the chat's bucket refills, rounded up: 7
            assertThat(failure.retryAfter()).contains(Duration.ofSeconds(7));
        });
        assertThat(telegram.tooManyRequestsCount() - tooManyBefore).isEqualTo(9);
    }

    @Test
    void injected429CarriesItsRetryAfter() throws Exception {
        telegram.faults().failNext("sendMessage", 1, 429);

        ChannelException failure = failure(OutboundMessage.text(aliceChat(), "hello"));

        assertThat(failure.kind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(1));
    }

    @Test
    void userWhoBlockedTheBotFailsRecipientBlocked() throws Exception {
        alice.block(bot);

        ChannelException failure = failure(OutboundMessage.text(aliceChat(), "are you there?"));

        assertThat(failure.kind()).isEqualTo(FailureKind.RECIPIENT_BLOCKED);
        assertThat(failure.getMessage()).contains("blocked");
    }

    @Test
    void revokedTokenFailsUnauthorizedWithoutTheToken() throws Exception {
        String token = bot.token();
        telegram.revokeToken(bot);

        ChannelException failure = failure(OutboundMessage.text(aliceChat(), "hello"));

        assertThat(failure.kind()).isEqualTo(FailureKind.UNAUTHORIZED);
        assertThat(failure.fixHint()).contains("Paste a new token from BotFather's /token with Replace token");
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t)).doesNotContain(token).doesNotContain(token.substring(token.indexOf(':') + 1));
        }
    }

    @Test
    void unknownChatFailsInvalidRequest() throws Exception {
        ChannelException failure = failure(OutboundMessage.text("123456789012", "hello"));

        assertThat(failure.kind()).isEqualTo(FailureKind.INVALID_REQUEST);
    }

    @Test
    void serverErrorFailsTransient() throws Exception {
        telegram.faults().failNext("sendMessage", 1, 502);

        assertThat(failure(OutboundMessage.text(aliceChat(), "hello")).kind()).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void aConnectionLostAfterTheSendWasCarriedOutIsUncertainAndNotRepeated() throws Exception {
        long before = telegram.requestCount("sendmessage");
        telegram.faults().loseNextAnswers("sendMessage", 1);

        ChannelException failure = failure(OutboundMessage.text(aliceChat(), "delivered, answer lost"));

        assertThat(failure.kind()).isEqualTo(FailureKind.UNCERTAIN);
        assertThat(failure.getMessage()).contains("Telegram may have delivered the message").doesNotContain(bot.token());
        assertThat(telegram.awaitSent(alice, bot, 1, WAIT)).extracting(SentMessage::text)
                .containsExactly("delivered, answer lost");
        assertThat(telegram.requestCount("sendmessage") - before).as("no silent second try").isEqualTo(1);
    }

    @Test
    void aConnectionDroppedBeforeAnAnswerIsUncertainToo() throws Exception {
        long before = telegram.requestCount("sendmessage");
        telegram.faults().dropNextConnections("sendMessage", 1);

        // the client cannot tell whether Telegram read the request before the connection closed
        assertThat(failure(OutboundMessage.text(aliceChat(), "hello")).kind()).isEqualTo(FailureKind.UNCERTAIN);
        assertThat(telegram.requestCount("sendmessage") - before).as("no silent second try").isEqualTo(1);
    }

    @Test
    void aSendThatCannotConnectIsTransient() {
        // the request never left: sending it again cannot deliver it twice
        for (Exception never : new Exception[] {new ConnectException("Connection refused"),
                new UnknownHostException("api.telegram.invalid"), new NoRouteToHostException()}) {
            assertThat(Failures.ofSend(new IOException("Failed to connect", never), bot.token(), telegram.baseUrl())
                    .kind()).as(never.toString()).isEqualTo(FailureKind.TRANSIENT);
        }
    }

    @Test
    void messageToAGroupThatBecameASupergroupGoesToItsNewIdOnceAndTheMoveIsReported() throws Exception {
        EmulatedGroup group = telegram.createGroup("Team", bot, alice);
        long oldId = group.id();
        long newId = group.migrateToSupergroup();

        SendReceipt receipt = send(OutboundMessage.text(String.valueOf(oldId), "to the team"));

        assertThat(receipt.messageIds()).hasSize(1);
        SentMessage sent = telegram.awaitSent(group, bot, 1, WAIT).getLast();
        assertThat(sent.chatId()).isEqualTo(newId);
        TelegramTests.await("the move reported", WAIT, () -> context.events().stream().anyMatch(event ->
                event instanceof InboundEvent.ConversationMoved moved
                        && moved.conversation().externalId().equals(String.valueOf(oldId))
                        && moved.newConversationId().equals(String.valueOf(newId))));
    }

    @Test
    void sendingBeforeStartFailsTransient() throws Exception {
        Channel stopped = new TelegramChannelProvider().open(context);

        Throwable thrown = catchThrowable(() -> stopped.send(OutboundMessage.text(aliceChat(), "hi"))
                .toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));

        assertThat(thrown.getCause()).isInstanceOfSatisfying(ChannelException.class,
                e -> assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT));
    }
}
