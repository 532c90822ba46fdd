package com.smartchat.host.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.smartchat.channel.spi.AudienceMember;
import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.DeliveryException;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.channel.spi.OutboundMessage;
import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The channel and inbox API, over HTTP, with a scripted provider standing in for a network. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ChannelApiTest {

    private static final String CANARY_KEY = "key-CANARY-7f3a9c";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    ApiClient api;
    String space;

    @BeforeEach
    void createSpace() {
        api = ApiClient.admin(port);
        Response created = api.post("/api/spaces", Map.of("name", "Support"));
        assertThat(created.status()).isEqualTo(201);
        space = "/api/spaces/" + created.body().get("id").asString();
    }

    @Test
    void validationReturnsEveryFieldErrorAtOnce() {
        Response response = api.post(space + "/channels/validate", Map.of("provider", "scripted", "settings", Map.of()));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("valid").asBoolean()).isFalse();
        assertThat(response.body().get("fieldErrors").propertyNames()).containsExactlyInAnyOrder("name", "key");
        assertThat(response.body().get("fieldErrors").get("name").get(0).asString()).isEqualTo("Channel Name is required.");
    }

    @Test
    void validationShowsTheProvidersVerdictAndPreview() {
        Response refused = api.post(space + "/channels/validate",
                Map.of("provider", "scripted", "settings", Map.of("name", "Bot", "key", "wrong")));
        Response accepted = api.post(space + "/channels/validate",
                Map.of("provider", "scripted", "settings", Map.of("name", "Bot", "key", "good")));

        assertThat(refused.body().get("fieldErrors").get("key").get(0).asString()).isEqualTo("This key is refused.");
        assertThat(accepted.body().get("valid").asBoolean()).isTrue();
        assertThat(accepted.body().get("preview").get("username").asString()).isEqualTo("scripted_bot");
    }

    /** Issue 14: one round reports the host's problems and the provider's, not the host's first. */
    @Test
    void theHostsProblemsAndTheProvidersComeInOneRound() {
        Response response = api.post(space + "/channels/validate",
                Map.of("provider", "scripted", "settings", Map.of("greeting", "x".repeat(4001), "key", "wrong")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("valid").asBoolean()).isFalse();
        JsonNode errors = response.body().get("fieldErrors");
        assertThat(errors.propertyNames()).containsExactly("name", "greeting", "key");
        assertThat(errors.get("name").get(0).asString()).isEqualTo("Channel Name is required.");
        assertThat(errors.get("greeting").get(0).asString()).contains("at most 4000 characters");
        assertThat(errors.get("key").get(0).asString()).isEqualTo("This key is refused.");
    }

    /** The provider is not handed a value the host refused: this one would make it throw. */
    @Test
    void aValueTheHostRefusedIsLeftOutOfTheProvidersCheck() {
        Response wrongType = api.post(space + "/channels/validate",
                Map.of("provider", "scripted", "settings", Map.of("name", 42, "key", "wrong")));
        Response taken = api.post(space + "/channels/validate",
                Map.of("provider", "scripted", "settings", Map.of("name", "Taken name", "key", "good")));

        assertThat(wrongType.status()).isEqualTo(200);
        assertThat(wrongType.body().get("fieldErrors").get("name").get(0).asString())
                .isEqualTo("Channel Name must be text.");
        assertThat(wrongType.body().get("fieldErrors").get("key").get(0).asString()).isEqualTo("This key is refused.");
        assertThat(taken.body().get("fieldErrors").get("name").get(0).asString())
                .isEqualTo("The network has a channel of this name.");
    }

    /** Without its required key the provider can check nothing: the host does not ask it. */
    @Test
    void theProviderIsNotAskedWhileARequiredFieldOfItsOwnIsRefused() {
        Response response = api.post(space + "/channels/validate",
                Map.of("provider", "scripted", "settings", Map.of("name", "Taken name")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("fieldErrors").get("name")).isNull();
        assertThat(response.body().get("fieldErrors").get("key").get(0).asString()).isEqualTo("Key is required.");
    }

    @Test
    void aProviderThatFailsOrAnswersNothingIsAClearErrorWithTheHostsFindings() {
        Response crashed = api.post(space + "/channels/validate",
                Map.of("provider", "scripted", "settings", Map.of("key", "crash")));
        Response silent = api.post(space + "/channels",
                Map.of("provider", "scripted", "settings", Map.of("name", "Bot", "key", "no-answer")));

        assertThat(crashed.status()).isEqualTo(502);
        assertThat(crashed.body().get("detail").asString()).startsWith("The scripted plugin could not check these settings");
        assertThat(crashed.body().get("fieldErrors").get("name").get(0).asString()).isEqualTo("Channel Name is required.");
        assertThat(silent.status()).isEqualTo(502);
        assertThat(silent.body().get("detail").asString()).startsWith("The scripted plugin could not check these settings");
    }

    /** Issue 14: alike names of two accounts are told apart by their ids; the credential never shows. */
    @Test
    void aCredentialOfAnotherAccountIsRefusedNamingWhatDiffers() {
        String channel = connect(Map.of("name", "Switching", "key", "first-key"));

        Response refused = api.patch(channel, Map.of("settings", Map.of("key", "other-key")));
        Response confirmed = api.patch(channel, Map.of("settings", Map.of("key", "other-key"),
                "confirmDifferentAccount", true));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().get("detail").asString()).startsWith("These settings connect @scripted_bot (account "
                + "other), not @scripted_bot (account account-1), which this channel has been talking through.");
        assertThat(refused.text()).doesNotContain("other-key");
        assertThat(confirmed.status()).isEqualTo(200);
    }

    /** Issue 14: a channel without an account (a webhook's) has nothing to compare, so its settings just change. */
    @Test
    void aChannelWithoutAnAccountChangesWithoutAConfirmation() {
        String channel = connect(Map.of("name", "Hook", "key", "no-account-1"));
        JsonNode identity = api.get(channel).body().get("identity");

        Response changed = api.patch(channel, Map.of("settings", Map.of("key", "no-account-2")));

        assertThat(identity.get("displayName").asString()).isEqualTo("Scripted webhook");
        assertThat(identity.get("id") == null || identity.get("id").isNull()).isTrue();
        assertThat(changed.status()).isEqualTo(200);
        assertThat(api.get(channel).body().get("identity").get("displayName").asString()).isEqualTo("Scripted webhook");
    }

    /** Issue 10, finding 10: what broke inside a plugin stays in the log. */
    @Test
    void aPluginThatFailsToCheckIsReportedWithoutItsInsides(CapturedOutput output) {
        String key = "crash:canary/key+1";
        Response crashed = api.post(space + "/channels/validate",
                Map.of("provider", "scripted", "settings", Map.of("name", "Bot", "key", key)));

        assertThat(crashed.status()).isEqualTo(502);
        assertThat(crashed.body().get("detail").asString())
                .startsWith("The scripted plugin could not check these settings: it failed or did not answer in time.");
        assertThat(crashed.text()).doesNotContain("Exception").doesNotContain("getOk").doesNotContain("10.0.0.7");
        // the details go to the operator's log, without the secret in either spelling the plugin quoted it in
        assertThat(output.getAll()).contains("could not check settings").contains("getOk")
                .doesNotContain(key).doesNotContain("canary%2Fkey%2B1");
    }

    @Test
    void aCreatedChannelRunsAndNeverShowsItsSecret() {
        Response created = api.post(space + "/channels",
                Map.of("provider", "scripted", "settings", Map.of("name", "Secretive", "key", CANARY_KEY)));

        assertThat(created.status()).isEqualTo(201);
        String channel = space + "/channels/" + created.body().get("id").asString();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get(channel).body().get("state").asString().equals("RUNNING"));
        Response read = api.get(channel);
        assertThat(read.body().get("settings").get("key").get("set").asBoolean()).isTrue();
        assertThat(read.body().get("identity").get("username").asString()).isEqualTo("scripted_bot");
        assertThat(created.text() + read.text() + api.get(space + "/channels").text()).doesNotContain(CANARY_KEY);
    }

    @Test
    void badInputGetsAProblemThatSaysWhatIsWrongNeverA500() {
        Response malformed = api.postRaw(space + "/channels", "{\"provider\": \"scripted\", ");
        Response unknownProvider = api.post(space + "/channels", Map.of("provider", "fax", "settings", Map.of()));
        Response unknownField = api.post(space + "/channels",
                Map.of("provider", "scripted", "settings", Map.of("name", "x", "key", "k", "colour", "red")));
        Response wrongType = api.post(space + "/channels",
                Map.of("provider", "scripted", "settings", Map.of("name", 42, "key", "k")));
        Response oversized = api.post(space + "/channels",
                Map.of("provider", "scripted", "settings", Map.of("name", "x".repeat(101), "key", "k")));
        Response missingSettings = api.post(space + "/channels", Map.of("provider", "scripted"));
        Response notAnId = api.get("/api/spaces/not-an-id/channels");
        Response noSuchSpace = api.get("/api/spaces/00000000-0000-0000-0000-000000000000/channels");

        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        assertThat(malformed.body().get("detail").asString()).startsWith("The body is not valid JSON");
        assertThat(unknownProvider.status()).isEqualTo(404);
        assertThat(unknownProvider.body().get("detail").asString()).contains("no provider 'fax'");
        assertThat(unknownField.status()).isEqualTo(422);
        assertThat(unknownField.body().get("fieldErrors").get("colour").get(0).asString())
                .isEqualTo("This form has no field 'colour'.");
        assertThat(wrongType.body().get("fieldErrors").get("name").get(0).asString()).isEqualTo("Channel Name must be text.");
        assertThat(oversized.body().get("fieldErrors").get("name").get(0).asString()).contains("at most 100 characters");
        assertThat(missingSettings.status()).isEqualTo(400);
        assertThat(missingSettings.body().get("fieldErrors").has("settings")).isTrue();
        assertThat(notAnId.status()).isEqualTo(404);
        assertThat(noSuchSpace.status()).isEqualTo(404);
    }

    @Test
    void theApiNeedsCredentials() {
        ApiClient anonymous = ApiClient.anonymous(port);

        assertThat(anonymous.get("/api/spaces").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/providers").status()).isEqualTo(401);
        assertThat(anonymous.get("/actuator/metrics").status()).isEqualTo(401);
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
        assertThat(ApiClient.as(port, "admin", "wrong").get("/api/spaces").status()).isEqualTo(401);
    }

    @Test
    void aFirstContactIsStoredOnceAndGreetedOnceAndAgentsReplies() throws Exception {
        String channel = connect(Map.of("name", "Greeter", "key", "k", "greeting", "Welcome! An agent will answer soon."));
        ScriptedProvider.ScriptedChannel network = ScriptedProvider.channel("Greeter");
        Conversation chat = new Conversation("1001", Conversation.Kind.PRIVATE, null);
        AudienceMember alice = new AudienceMember("501", "Alice", "alice", "en");

        network.receive(message("1", chat, alice, "hi"));
        network.receive(message("1", chat, alice, "hi")); // redelivered
        network.receive(message("2", chat, alice, "are you there?"));

        await().atMost(Duration.ofSeconds(10)).until(() -> network.sent.size() == 1);
        JsonNode conversations = api.get(channel + "/conversations").body();
        assertThat(conversations.size()).isEqualTo(1);
        assertThat(conversations.get(0).get("memberName").asString()).isEqualTo("Alice");
        String conversation = channel + "/conversations/" + conversations.get(0).get("id").asString();
        List<String> texts = api.get(conversation + "/messages").body().valueStream()
                .map(message -> message.get("text").asString()).toList();
        assertThat(texts).containsExactly("hi", "Welcome! An agent will answer soon.", "are you there?");
        assertThat(network.sent.getFirst().text()).isEqualTo("Welcome! An agent will answer soon.");
        assertThat(network.sent.getFirst().conversationId()).isEqualTo("1001");
        assertThat(network.sent.getFirst().kind()).isEqualTo(OutboundMessage.Kind.GREETING);

        Response reply = api.post(conversation + "/messages", Map.of("text", "Yes, how can I help?"));

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.body().get("status").asString()).isEqualTo("QUEUED");
        await().atMost(Duration.ofSeconds(10)).until(() -> network.sent.size() == 2);
        assertThat(network.sent.get(1).kind()).isEqualTo(OutboundMessage.Kind.REPLY);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get(conversation + "/messages").body().valueStream()
                .filter(message -> message.get("direction").asString().equals("OUT"))
                .allMatch(message -> message.get("status").asString().equals("SENT")));
        assertThat(api.post(conversation + "/messages", Map.of("text", " ")).status()).isEqualTo(400);
        // refused before it was queued: nothing is left to send
        assertThat(api.get(conversation + "/messages").body().valueStream()
                .filter(message -> message.get("direction").asString().equals("OUT")).count()).isEqualTo(2);
        assertThat(network.sent).hasSize(2);
    }

    @Test
    void eventsReceivedTogetherAreStoredAllOrNoneOnceEachAndGreetANewMemberOnce() throws Exception {
        String channel = connect(Map.of("name", "Batched", "key", "k", "greeting", "Hello from the batch"));
        ScriptedProvider.ScriptedChannel network = ScriptedProvider.channel("Batched");
        Conversation chat = new Conversation("2002", Conversation.Kind.PRIVATE, null);
        AudienceMember carol = new AudienceMember("602", "Carol", "carol", "en");
        String tooLong = "9".repeat(101); // the event id column holds 100: the database refuses this one

        assertThatThrownBy(() -> network.receiveAll(List.of(message("1", chat, carol, "one"),
                message("2", chat, carol, "two"), message(tooLong, chat, carol, "refused"))))
                .isInstanceOf(DeliveryException.class);
        assertThat(api.get(channel + "/conversations").body().size()).as("a failed batch stores nothing").isZero();

        network.receiveAll(List.of(message("1", chat, carol, "one"), message("2", chat, carol, "two"),
                message("1", chat, carol, "one"), message("3", chat, carol, "three")));
        network.receiveAll(List.of(message("3", chat, carol, "three"), message("4", chat, carol, "four")));

        JsonNode conversations = api.get(channel + "/conversations").body();
        assertThat(conversations.size()).isEqualTo(1);
        String conversation = channel + "/conversations/" + conversations.get(0).get("id").asString();
        assertThat(api.get(conversation + "/messages").body().valueStream()
                .map(message -> message.get("text").asString()).toList())
                .containsExactly("one", "Hello from the batch", "two", "three", "four");
        await().atMost(Duration.ofSeconds(10)).until(() -> network.sent.size() == 1);
    }

    /**
     * A poll's batch is stored with one statement per kind of row for all its events: members and conversations that
     * come more than once, new and known ones, a group and a move in the middle all end up as event by event.
     */
    @Test
    void aBatchOfManyMembersAndConversationsIsStoredAsEventByEvent() throws Exception {
        String channel = connect(Map.of("name", "Crowd", "key", "k", "greeting", "Hi there"));
        ScriptedProvider.ScriptedChannel network = ScriptedProvider.channel("Crowd");
        Conversation daveChat = new Conversation("3001", Conversation.Kind.PRIVATE, null);
        Conversation erinChat = new Conversation("3002", Conversation.Kind.PRIVATE, null);
        Conversation frankChat = new Conversation("3003", Conversation.Kind.PRIVATE, null);
        Conversation group = new Conversation("3100", Conversation.Kind.GROUP, "Regulars");
        AudienceMember dave = new AudienceMember("701", "Dave", "dave", null);
        AudienceMember daveRenamed = new AudienceMember("701", "Dave R.", "dave", "de");
        AudienceMember erin = new AudienceMember("702", "Erin", null, "en");
        AudienceMember frank = new AudienceMember("703", "Frank", null, null);

        network.receiveAll(List.of(message("1", daveChat, dave, "d1"), message("2", erinChat, erin, "e1"),
                message("3", group, dave, "g1"), message("1", daveChat, dave, "d1"),
                message("4", daveChat, daveRenamed, "d2"), message("5", group, frank, "g2")));
        network.receiveAll(List.of(message("6", daveChat, daveRenamed, "d3"), message("7", frankChat, frank, "f1"),
                message("5", group, frank, "g2"), message("8", erinChat, erin, "e2")));
        UUID channelId = UUID.fromString(id(channel));
        assertThat(jdbc.sql("select unread from conversation where channel_id = :channel and external_id = '3001'")
                .param("channel", channelId).query(Integer.class).single()).as("before an agent reads it").isEqualTo(3);

        assertThat(transcript(channel, "3001")).containsExactly("d1", "Hi there", "d2", "d3");
        assertThat(transcript(channel, "3002")).containsExactly("e1", "Hi there", "e2");
        assertThat(transcript(channel, "3003")).as("a member met in a group is greeted at their first private message")
                .containsExactly("f1", "Hi there");
        assertThat(transcript(channel, "3100")).as("no greeting in a group").containsExactly("g1", "g2");
        assertThat(jdbc.sql("""
                select display_name || '/' || language from audience_member
                where channel_id = :channel and external_id = '701'""")
                .param("channel", channelId).query(String.class).single()).isEqualTo("Dave R./de");
        await().atMost(Duration.ofSeconds(10)).until(() -> network.sent.size() >= 3);
        assertThat(network.sent).extracting(OutboundMessage::conversationId)
                .containsExactlyInAnyOrder("3001", "3002", "3003");

        // a group that moves in the middle of a batch: what still comes under its old id joins it where it went
        network.receiveAll(List.of(message("9", group, frank, "before"),
                new InboundEvent.ConversationMoved("10", Instant.now(), group, frank, "3200"),
                message("11", group, dave, "late"),
                message("12", new Conversation("3200", Conversation.Kind.GROUP, "Regulars"), erin, "after")));

        assertThat(transcript(channel, "3200")).containsExactly("g1", "g2", "before", "Moved from 3100 to 3200",
                "late", "after");
        assertThat(api.get(channel + "/conversations").body().size()).isEqualTo(4);
        assertThat(network.sent).hasSize(3);
    }

    /** The texts of a conversation's transcript, oldest first. */
    private List<String> transcript(String channel, String externalId) {
        String id = jdbc.sql("select id from conversation where channel_id = :channel and external_id = :external")
                .param("channel", UUID.fromString(id(channel))).param("external", externalId)
                .query(String.class).single();
        return api.get(channel + "/conversations/" + id + "/messages").body().valueStream()
                .map(message -> message.get("text").asString()).toList();
    }

    @Test
    void deletingAChannelStopsItAndKeepsOrPurgesItsHistoryAsAsked() throws Exception {
        String kept = connectAndReceive("Kept");
        String purged = connectAndReceive("Purged");

        assertThat(api.delete(kept).status()).isEqualTo(204);
        assertThat(api.delete(purged + "?purgeHistory=true").status()).isEqualTo(204);

        assertThat(api.get(kept).status()).isEqualTo(404);
        assertThat(api.get(purged).status()).isEqualTo(404);
        assertThat(ScriptedProvider.stops("Kept")).isEqualTo(1);
        assertThat(conversations(kept)).isEqualTo(1);
        assertThat(conversations(purged)).isZero();
        assertThat(jdbc.sql("select secrets from channel where id = :id").param("id", UUID.fromString(id(kept)))
                .query(String.class).single()).as("a deleted channel keeps no credential").isEmpty();
        assertThat(jdbc.sql("select action from channel_event where channel_id = :id and kind = 'AUDIT'")
                .param("id", UUID.fromString(id(kept))).query(String.class).list()).contains("created", "deleted");
    }

    /** Creates a scripted channel with these settings and waits until it runs; returns its API path. */
    private String connect(Map<String, String> settings) {
        Response created = api.post(space + "/channels", Map.of("provider", "scripted", "settings", settings));
        String channel = space + "/channels/" + created.body().get("id").asString();
        await().atMost(Duration.ofSeconds(10)).until(() -> ScriptedProvider.channel(settings.get("name")) != null
                && api.get(channel).body().get("state").asString().equals("RUNNING"));
        return channel;
    }

    private String connectAndReceive(String name) throws Exception {
        String channel = connect(Map.of("name", name, "key", "k"));
        ScriptedProvider.channel(name).receive(message("1", new Conversation("7", Conversation.Kind.PRIVATE, null),
                new AudienceMember("70", "Bob", null, null), "hello"));
        return channel;
    }

    private long conversations(String channel) {
        return jdbc.sql("select count(*) from conversation where channel_id = :id")
                .param("id", UUID.fromString(id(channel))).query(Long.class).single();
    }

    private static String id(String channelPath) {
        return channelPath.substring(channelPath.lastIndexOf('/') + 1);
    }

    private static InboundEvent message(String id, Conversation chat, AudienceMember member, String text) {
        return new InboundEvent.MessageReceived(id, Instant.now(), chat, member, "m" + id, text, List.of(), null);
    }
}
