package com.smartchat.example;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.fasterxml.jackson.databind.cfg.PackageVersion;
import com.smartchat.channel.spi.Attachment;
import com.smartchat.channel.spi.AudienceMember;
import com.smartchat.channel.spi.Channel;
import com.smartchat.channel.spi.ChannelException;
import com.smartchat.channel.spi.ChannelSettings;
import com.smartchat.channel.spi.ChannelState;
import com.smartchat.channel.spi.ChannelStatus;
import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.FailureKind;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.channel.spi.Secret;
import com.smartchat.channel.spi.SendReceipt;
import com.smartchat.channel.spi.WebhookRequest;
import com.smartchat.channel.spi.WebhookResponse;
import com.smartchat.channel.tck.TestChannelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EchoChannelTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private TestChannelContext context;
    private Channel channel;

    @AfterEach
    void stopChannel() throws InterruptedException {
        channel.stop();
        context.close();
    }

    @Test
    void aSentMessageComesBackFromTheConversationsMember() throws Exception {
        open(EchoSettingsFixture.valid()).start();

        SendReceipt receipt = send("alice", "Hello");

        assertThat(receipt.messageIds()).hasSize(1);
        InboundEvent.MessageReceived echo = onlyMessage();
        assertThat(echo.conversation()).isEqualTo(new Conversation("alice", Conversation.Kind.PRIVATE, null));
        assertThat(echo.member()).isEqualTo(new AudienceMember("alice", "Alice", "alice", null));
        assertThat(echo.text()).isEqualTo("Hello");
        assertThat(echo.command()).isNull();
    }

    @Test
    void slashAsMakesAGivenMemberWriteInTheirOwnConversation() throws Exception {
        open(EchoSettingsFixture.valid()).start();

        send("alice", "/as bob Hi there,\nanyone here?");

        InboundEvent.MessageReceived echo = onlyMessage();
        assertThat(echo.conversation().externalId()).isEqualTo("bob");
        assertThat(echo.member().displayName()).isEqualTo("Bob");
        assertThat(echo.text()).isEqualTo("Hi there,\nanyone here?");
    }

    @Test
    void aMemberCanSendACommand() throws Exception {
        open(EchoSettingsFixture.valid()).start();

        send("alice", "/as carol /start promo-42");

        assertThat(onlyMessage().command()).isEqualTo(new InboundEvent.Command("start", "promo-42"));
    }

    @Test
    void anEchoWhoseDeliveryFailsIsDeliveredAgainUntilStoredAndArrivesOnceAndLate() throws Exception {
        open(EchoSettingsFixture.valid()).start();
        context.failNextDeliveries(3);
        long sentAt = System.nanoTime();

        send("alice", "Hello");
        List<InboundEvent> events = context.awaitEvents(1, PATIENCE);

        assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        assertThat(((InboundEvent.MessageReceived) events.getFirst()).text()).isEqualTo("Hello");
        assertThat(context.deliveryAttempts()).isEqualTo(4);
        // the channel reports RUNNING again after its delivery returned, so a moment after the event is stored
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (context.reports().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(context.reports()).extracting(ChannelStatus::state)
                .containsExactly(ChannelState.DEGRADED, ChannelState.RUNNING);
        assertThat(channel.status().state()).isEqualTo(ChannelState.RUNNING);
    }

    @Test
    void echoesKeepTheirOrderWhileDeliveryFails() throws Exception {
        open(EchoSettingsFixture.valid()).start();
        context.failNextDeliveries(2);

        send("alice", "one");
        send("alice", "two");

        assertThat(context.awaitEvents(2, PATIENCE)).extracting(event -> ((InboundEvent.MessageReceived) event).text())
                .containsExactly("one", "two");
    }

    @Test
    void anEchoNotYetStoredWhenTheChannelStopsIsDeliveredAfterItStartsAgain() throws Exception {
        open(EchoSettingsFixture.valid()).start();
        context.failDeliveries();
        send("alice", "Hello");
        while (context.deliveryAttempts() == 0) {
            Thread.sleep(10);
        }

        channel.stop();
        context.acceptDeliveries();
        channel.start();

        assertThat(((InboundEvent.MessageReceived) context.awaitEvents(1, PATIENCE).getFirst()).text())
                .isEqualTo("Hello");
    }

    @Test
    void aMemberWhoBlockedTheChannelCannotBeWrittenToUntilTheyWriteAgain() throws Exception {
        open(EchoSettingsFixture.valid()).start();

        send("alice", "/block");
        assertThat(context.awaitEvents(1, PATIENCE).getFirst()).isInstanceOf(InboundEvent.MemberBlocked.class);
        assertThat(failureOf(channel.send(OutboundMessage.text("alice", "Are you there?"))).kind())
                .isEqualTo(FailureKind.RECIPIENT_BLOCKED);

        send("bob", "/as alice Sorry, wrong button");
        send("alice", "No problem");

        assertThat(context.awaitEvents(4, PATIENCE)).extracting(event -> event.getClass().getSimpleName())
                .containsExactly("MemberBlocked", "MemberUnblocked", "MessageReceived", "MessageReceived");
    }

    @Test
    void sendingFailsAsTransientWhileTheChannelIsNotRunning() throws Exception {
        open(EchoSettingsFixture.valid());

        assertThat(failureOf(channel.send(OutboundMessage.text("alice", "Hello"))).kind())
                .isEqualTo(FailureKind.TRANSIENT);
        channel.start();
        channel.stop();
        assertThat(failureOf(channel.send(OutboundMessage.text("alice", "Hello"))).kind())
                .isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void messagesEchoCannotSendAreInvalidRequests() throws Exception {
        open(EchoSettingsFixture.valid()).start();
        OutboundMessage photoOnly = new OutboundMessage("alice", null, OutboundMessage.Format.PLAIN, List.of(),
                Attachment.file(Attachment.Kind.PHOTO, "photo-1"), null);

        ChannelException noText = failureOf(channel.send(photoOnly));
        ChannelException noMember = failureOf(channel.send(OutboundMessage.text("alice", "/as")));

        assertThat(noText.kind()).isEqualTo(FailureKind.INVALID_REQUEST);
        assertThat(noText).hasMessage("Echo sends text only, and this message has none.");
        assertThat(noMember.kind()).isEqualTo(FailureKind.INVALID_REQUEST);
        assertThat(noMember).hasMessage("Write /as, a member and a text, such as /as alice Hello.");
    }

    @Test
    void aRevokedKeyCannotStartAndNeedsTheAdmin() {
        open(EchoSettingsFixture.with(Map.of(EchoProvider.API_KEY, Secret.of("echo_revoked"))));

        assertThatThrownBy(channel::start)
                .isInstanceOfSatisfying(ChannelException.class, failure -> {
                    assertThat(failure.kind()).isEqualTo(FailureKind.UNAUTHORIZED);
                    assertThat(failure.fixHint()).contains("Create a new key in your Echo account and paste it here.");
                })
                .hasMessage("This API key was revoked.");
        assertThat(channel.status().state()).isEqualTo(ChannelState.NEEDS_ATTENTION);
    }

    @Test
    void theTemplateAndShoutShapeTheEcho() throws Exception {
        open(EchoSettingsFixture.with(Map.of(EchoProvider.TEMPLATE, "You said: {text}", EchoProvider.SHOUT, true)))
                .start();

        send("alice", "Hello");

        assertThat(onlyMessage().text()).isEqualTo("YOU SAID: HELLO");
    }

    @Test
    void jsonEchoesAreWrittenByTheBundledJackson() throws Exception {
        open(EchoSettingsFixture.with(Map.of(EchoProvider.FORMAT, EchoProvider.FORMAT_JSON))).start();

        send("alice", "Hello \"world\"");

        assertThat(onlyMessage().text()).isEqualTo("{\"conversation\":\"alice\",\"text\":\"Hello \\\"world\\\"\"}");
        assertThat(PackageVersion.VERSION.toString()).isEqualTo("2.15.4");
    }

    @Test
    void theEchoDelayHoldsEchoesBack() throws Exception {
        open(EchoSettingsFixture.with(Map.of(EchoProvider.DELAY_MILLIS, 300L))).start();
        long sentAt = System.nanoTime();

        send("alice", "Hello");
        context.awaitEvents(1, PATIENCE);

        assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aSignedMessagePushedToTheWebhookComesFromItsSender() throws Exception {
        open(EchoSettingsFixture.valid()).start();
        byte[] body = "{\"id\":\"m-1\",\"from\":\"bob\",\"text\":\"Hi there\"}".getBytes(StandardCharsets.UTF_8);

        WebhookResponse unsigned = channel.handleWebhook(new WebhookRequest(Map.of(), body));
        WebhookResponse forged = channel.handleWebhook(signed(body, EchoWebhook.sign("echo_other_key", body)));
        assertThat(List.of(unsigned.status(), forged.status())).containsOnly(401);
        assertThat(unsigned.headers()).containsEntry("WWW-Authenticate", "EchoSignature");
        assertThat(context.deliveryAttempts()).isZero();

        assertThat(channel.handleWebhook(signed(body, EchoWebhook.sign("echo_demo_key", body))).status()).isEqualTo(200);
        InboundEvent.MessageReceived message = onlyMessage();
        assertThat(message.eventId()).isEqualTo("webhook:m-1");
        assertThat(message.member()).isEqualTo(new AudienceMember("bob", "Bob", "bob", null));
        assertThat(message.text()).isEqualTo("Hi there");
    }

    @Test
    void aPushedMessageThatCannotBeStoredIsAnswered503WithRetryAfter() throws Exception {
        open(EchoSettingsFixture.valid()).start();
        byte[] body = "{\"id\":\"m-2\",\"from\":\"bob\",\"text\":\"Hi\"}".getBytes(StandardCharsets.UTF_8);
        context.failNextDeliveries(1);

        WebhookResponse response = channel.handleWebhook(signed(body, EchoWebhook.sign("echo_demo_key", body)));

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.headers()).containsEntry("Retry-After", "5");
        assertThat(context.events()).isEmpty();
    }

    @Test
    void aSignedBodyThatIsNoMessageIsAnswered400InJsonAndStoresNothing() throws Exception {
        open(EchoSettingsFixture.valid()).start();
        byte[] body = "{\"id\":\"m-3\",\"from\":\"bob\"}".getBytes(StandardCharsets.UTF_8);

        WebhookResponse response = channel.handleWebhook(signed(body, EchoWebhook.sign("echo_demo_key", body)));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers()).containsEntry("Content-Type", "application/json");
        assertThat(new ObjectMapper().readTree(response.body()).path("error").asText()).contains("\"text\"");
        assertThat(context.deliveryAttempts()).isZero();
    }

    @Test
    void theHandshakeEchoesASignedChallengeOnly() throws Exception {
        open(EchoSettingsFixture.valid()).start();
        String signature = EchoWebhook.sign("echo_demo_key", "c-42".getBytes(StandardCharsets.UTF_8));

        WebhookResponse answered = channel.handleWebhook(new WebhookRequest(
                Map.of(EchoWebhook.SIGNATURE, List.of(signature)), new byte[0], "GET", Map.of("challenge", List.of("c-42"))));
        WebhookResponse refused = channel.handleWebhook(new WebhookRequest(
                Map.of(EchoWebhook.SIGNATURE, List.of(signature)), new byte[0], "GET", Map.of("challenge", List.of("c-43"))));

        assertThat(answered.status()).isEqualTo(200);
        assertThat(answered.body()).isEqualTo("c-42");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).doesNotContain("c-43");
    }

    @Test
    void aStoppedChannelTakesNoWebhookRequest() {
        open(EchoSettingsFixture.valid());
        byte[] body = "{\"id\":\"m-3\",\"from\":\"bob\",\"text\":\"Hi\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(channel.handleWebhook(signed(body, EchoWebhook.sign("echo_demo_key", body))).status()).isEqualTo(503);
    }

    private static WebhookRequest signed(byte[] body, String signature) {
        return new WebhookRequest(Map.of(EchoWebhook.SIGNATURE, List.of(signature)), body);
    }

    private Channel open(ChannelSettings settings) {
        context = new TestChannelContext(settings);
        channel = new EchoProvider().open(context);
        return channel;
    }

    private SendReceipt send(String conversation, String text) throws Exception {
        return channel.send(OutboundMessage.text(conversation, text)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private InboundEvent.MessageReceived onlyMessage() throws InterruptedException {
        List<InboundEvent> events = context.awaitEvents(1, PATIENCE);
        assertThat(context.events()).hasSize(1);
        return (InboundEvent.MessageReceived) events.getFirst();
    }

    private static ChannelException failureOf(CompletionStage<SendReceipt> stage) throws Exception {
        try {
            SendReceipt receipt = stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
            throw new AssertionError("Expected the send to fail, but it succeeded: " + receipt);
        } catch (ExecutionException e) {
            return (ChannelException) e.getCause();
        }
    }
}
