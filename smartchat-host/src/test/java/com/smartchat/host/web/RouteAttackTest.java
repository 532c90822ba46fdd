package com.smartchat.host.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.smartchat.channel.spi.AudienceMember;
import com.smartchat.channel.spi.Conversation;
import com.smartchat.channel.spi.InboundEvent;
import com.smartchat.host.ApiClient;
import com.smartchat.host.channels.ScriptedProvider;
import com.smartchat.host.web.WebSession.Page;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The standing attack on tenant isolation: every route the host maps, read from Spring's handler mappings when the
 * test runs (so that a new route is attacked without anyone remembering it), for every kind of id in its path, with
 * Space B's ids and other spellings of them (whitespace of each kind, encoded, upper case, braces, no dashes, URN,
 * double-encoded), as a Space admin of Space A, as a user with no grants and anonymously. Never a 2xx or a redirect
 * into the host, never a byte of Space B, and Space B unchanged afterwards. Controls make sure that the same
 * requests do reach their handlers when the caller may make them, so that a refusal means the access check.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouteAttackTest {

    private static final String PASSWORD = "route-attack-password-1";
    private static final String ALICE = "alice-route"; // Space admin of A
    private static final String NOBODY = "nobody-route"; // signed in, no grants
    private static final String BOB = "bob-route"; // Space admin of B: the user an attacker would rather be
    private static final String B_NAME = "Bravo-Route-Space";
    private static final String B_CHANNEL = "Bravo-Route-Channel";
    private static final String B_MEMBER = "Bravo-Route-Member";
    private static final String B_TEXT = "A private message of Bravo";

    /** Routes whose path ids are not tenant data: each says why. */
    private static final Map<String, String> NOT_TENANT_DATA = Map.of(
            "/api/providers/{id}", "the installed providers, the same for every user",
            "/api/providers/{id}/icon", "the installed providers, the same for every user");

    /**
     * Routes of the host outside its annotated controllers, with why they are not attacked here. Checked to be all
     * of them ({@link #routes()}).
     */
    private static final Map<String, String> OUTSIDE_CONTROLLERS = Map.of(
            "/hooks/{id}", "a network's deliveries, verified by the channel's own secret (TelegramWebhookTest)");

    /** The variables that name nothing of a tenant, with the value a request uses. */
    private static final Map<String, String> FIXED = Map.of("provider", "scripted", "action", "stop", "index", "0");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    List<AbstractUrlHandlerMapping> urlMappings;

    ApiClient platform;
    Map<String, String> a = new LinkedHashMap<>(); // variable -> Space A's id
    Map<String, String> b = new LinkedHashMap<>(); // variable -> Space B's id
    String snapshotOfB;
    Map<String, String> tokens = new LinkedHashMap<>(); // user -> API token: Basic would spend a bcrypt per request

    @BeforeAll
    void twoSpacesWithAChannelAndAConversationEach() {
        platform = ApiClient.admin(port);
        a.put("space", platform.post("/api/spaces", Map.of("name", "Alpha-Route")).body().get("id").asString());
        b.put("space", platform.post("/api/spaces", Map.of("name", B_NAME)).body().get("id").asString());
        a.put("channel", channelWithAConversation(a.get("space"), "Alpha-Route-Channel", "Alpha-Member", "Hello A"));
        b.put("channel", channelWithAConversation(b.get("space"), B_CHANNEL, B_MEMBER, B_TEXT));
        a.put("conversation", firstConversation(a));
        b.put("conversation", firstConversation(b));
        a.put("message", uncertainReply(a)); // the one kind of message an agent may send again
        b.put("message", platform.get(conversationPath(b) + "/messages").body().get(0).get("id").asString());
        withAFile(a.get("message"));
        withAFile(b.get("message"));
        a.put("username", ALICE);
        b.put("username", BOB);
        a.put("user", ALICE); // the same users, as the API's paths name them
        b.put("user", BOB);

        WebSession admin = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        for (String user : List.of(ALICE, NOBODY, BOB)) {
            assertThat(admin.post("/users", Map.of("username", user, "password", PASSWORD)).status()).isEqualTo(302);
        }
        assertThat(admin.post("/users/" + ALICE + "/grants", Map.of("space", a.get("space"))).status()).isEqualTo(302);
        assertThat(admin.post("/users/" + BOB + "/grants", Map.of("space", b.get("space"))).status()).isEqualTo(302);
        for (String user : List.of(ALICE, NOBODY, BOB)) {
            ApiClient.Response token = platform.post("/api/users/" + user + "/tokens", Map.of("name", "attack-suite"));
            tokens.put(user, token.body().get("token").asString());
            (user.equals(ALICE) ? a : b).put("token", token.body().get("id").asString());
        }
        snapshotOfB = snapshotOfB();
    }

    private String channelWithAConversation(String space, String name, String member, String text) {
        String channel = platform.post("/api/spaces/" + space + "/channels", Map.of("provider", "scripted",
                "settings", Map.of("name", name, "key", "k"))).body().get("id").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> ScriptedProvider.channel(name) != null
                && platform.get("/api/spaces/" + space + "/channels/" + channel).body().get("state").asString()
                .equals("RUNNING"));
        try {
            ScriptedProvider.channel(name).receive(new InboundEvent.MessageReceived("e-" + name, Instant.now(),
                    new Conversation("c-" + name, Conversation.Kind.PRIVATE, null),
                    new AudienceMember("m-" + name, member, member.toLowerCase(Locale.ROOT), "en"),
                    "m1", text, List.of(), null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return channel;
    }

    /** A reply sent, then made uncertain as if its host had stopped while sending it. */
    private String uncertainReply(Map<String, String> ids) {
        String reply = platform.post(conversationPath(ids) + "/messages", Map.of("text", "Sent, as far as we know"))
                .body().get("id").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("select status from message where id = :id")
                .param("id", UUID.fromString(reply)).query(String.class).single().equals("SENT"));
        jdbc.sql("update message set status = 'UNCERTAIN' where id = :id").param("id", UUID.fromString(reply)).update();
        return reply;
    }

    /** Gives a message a file of the host's own (as an agent's reply has), so that its file routes answer. */
    private void withAFile(String messageId) {
        UUID id = UUID.fromString(messageId);
        jdbc.sql("""
                update message set attachments = '[{"kind":"DOCUMENT","reference":null,"mimeType":"text/plain",
                "sizeBytes":5,"fileName":"note.txt","caption":null,"details":{}}]' where id = :id""")
                .param("id", id).update();
        jdbc.sql("""
                insert into reply_file (message_id, file_name, media_type, size_bytes, content)
                values (:id, 'note.txt', 'text/plain', 5, :content)""")
                .param("id", id).param("content", "note.".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).update();
    }

    private String conversationPath(Map<String, String> ids) {
        return "/api/spaces/" + ids.get("space") + "/channels/" + ids.get("channel") + "/conversations/"
                + ids.get("conversation");
    }

    private String firstConversation(Map<String, String> ids) {
        return platform.get("/api/spaces/" + ids.get("space") + "/channels/" + ids.get("channel") + "/conversations")
                .body().get(0).get("id").asString();
    }

    /** A route and one of its methods, as Spring maps it. */
    record Route(String method, String pattern, HandlerMethod handler) {

        boolean api() {
            return pattern.startsWith("/api/");
        }

        List<String> variables() {
            List<String> names = new ArrayList<>();
            path(name -> {
                names.add(name);
                return "";
            });
            return names;
        }

        /** The pattern with each variable replaced. */
        String path(Map<String, String> values) {
            return path(values::get);
        }

        /** Replaces each {@code {name}} or {@code {name:regex}}, whose regex may hold braces of its own. */
        private String path(Function<String, String> values) {
            StringBuilder path = new StringBuilder();
            int i = 0;
            while (i < pattern.length()) {
                char c = pattern.charAt(i);
                if (c != '{') {
                    path.append(c);
                    i++;
                    continue;
                }
                int depth = 0;
                int end = i;
                do {
                    depth += pattern.charAt(end) == '{' ? 1 : pattern.charAt(end) == '}' ? -1 : 0;
                    end++;
                } while (depth > 0);
                String variable = pattern.substring(i + 1, end - 1);
                path.append(values.apply(variable.contains(":") ? variable.substring(0, variable.indexOf(':')) : variable));
                i = end;
            }
            return path.toString();
        }

        /** Whether the route takes a file ({@code multipart/form-data}): the requests then carry one. */
        boolean takesAFile() {
            return Arrays.stream(handler.getMethodParameters())
                    .anyMatch(parameter -> parameter.getParameterType() == jakarta.servlet.http.Part.class);
        }

        /** Whether the route deletes what it names: the controls give it a channel of its own. */
        boolean deletes() {
            return method.equals("DELETE") || method.equals("POST") && pattern.endsWith("/delete");
        }

        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    /** Every route of the host, with every method it answers. */
    List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
            Set<RequestMethod> methods = entry.getKey().getMethodsCondition().getMethods();
            for (String pattern : entry.getKey().getPatternValues()) {
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET, RequestMethod.POST) : methods) {
                    routes.add(new Route(method.name(), pattern, entry.getValue()));
                }
            }
        }
        routes.sort(Comparator.comparing(Route::pattern).thenComparing(Route::method));
        assertThat(routes).as("the handler mappings").hasSizeGreaterThan(30);
        List<String> outside = urlMappings.stream()
                .flatMap(mapping -> mapping.getHandlerMap().entrySet().stream())
                .filter(route -> route.getValue().getClass().getPackageName().startsWith("com.smartchat"))
                .map(Map.Entry::getKey)
                .toList();
        assertThat(outside).as("routes of the host outside its controllers, which this suite does not attack: attack"
                + " them here, or say in OUTSIDE_CONTROLLERS why not").containsExactlyInAnyOrderElementsOf(
                OUTSIDE_CONTROLLERS.keySet());
        return routes;
    }

    /** The routes that carry tenant ids in their path, checked to be all routes that carry any id but the exempt. */
    List<Route> tenantRoutes() {
        List<Route> tenant = new ArrayList<>();
        for (Route route : routes()) {
            if (NOT_TENANT_DATA.containsKey(route.pattern()) || route.variables().isEmpty()) {
                continue;
            }
            for (String variable : route.variables()) {
                assertThat(a.containsKey(variable) || FIXED.containsKey(variable))
                        .as("%s has a path variable {%s} this suite does not know: teach it how to attack that kind"
                                + " of id, or say in NOT_TENANT_DATA why it is not a tenant's", route, variable)
                        .isTrue();
            }
            tenant.add(route);
        }
        return tenant;
    }

    /** Other spellings of an id: each would name the same thing to a lenient parser. */
    static List<String> spellings(String id) {
        List<String> spellings = new ArrayList<>();
        spellings.add(id);
        for (String blank : List.of("%20", "%09", "%0A", "%0D", "%0B", "%0C", "%C2%A0", "+")) {
            spellings.add(blank + id);
            spellings.add(id + blank);
        }
        spellings.add("%20" + id + "%20");
        spellings.add("%2520" + id); // double-encoded
        spellings.add(id.toUpperCase(Locale.ROOT));
        spellings.add("%7B" + id + "%7D"); // braces
        spellings.add(id.replace("-", ""));
        spellings.add("urn:uuid:" + id);
        spellings.add(id + "%00");
        StringBuilder encoded = new StringBuilder();
        for (char c : id.toCharArray()) {
            encoded.append('%').append(String.format("%02X", (int) c));
        }
        spellings.add(encoded.toString());
        return spellings;
    }

    /** One attack: each tenant variable of the route in turn names Space B's thing, the others Space A's. */
    record Attack(Route route, String path) {
        @Override
        public String toString() {
            return route.method() + " " + path;
        }
    }

    List<Attack> attacks() {
        List<Attack> attacks = new ArrayList<>();
        for (Route route : tenantRoutes()) {
            for (String target : route.variables()) {
                if (FIXED.containsKey(target)) {
                    continue;
                }
                for (String spelling : spellings(b.get(target))) {
                    Map<String, String> values = new LinkedHashMap<>(FIXED);
                    // the Space itself is B's when it is the target; below it, the attacker's own Space holds B's thing
                    values.putAll(target.equals("space") ? b : a);
                    values.put(target, spelling);
                    attacks.add(new Attack(route, route.path(values)));
                }
            }
        }
        return attacks;
    }

    @Test
    @Order(1)
    void signedInUsersWithoutAGrantOfSpaceBGetNothingOfItOnAnyRouteInAnySpelling() {
        SoftAssertions softly = new SoftAssertions();
        List<Attack> attacks = attacks();
        for (String user : List.of(ALICE, NOBODY)) {
            Caller caller = Caller.signedIn(port, user, PASSWORD, tokens.get(user));
            for (Attack attack : attacks) {
                Answer answer = caller.send(attack.route(), attack.path());
                softly.assertThat(answer.status()).as("%s as %s", attack, user).isIn(400, 403, 404);
                softly.assertThat(answer.body()).as("%s as %s", attack, user)
                        .doesNotContain(B_NAME, B_CHANNEL, B_MEMBER, B_TEXT);
            }
        }
        softly.assertAll();
        System.out.println("RouteAttackTest: " + attacks.size() + " attacks on " + tenantRoutes().size()
                + " routes, as each of two signed-in users");
    }

    @Test
    @Order(2)
    void anonymousVisitorsAreRefusedOrSentToSignInOnEveryRoute() {
        SoftAssertions softly = new SoftAssertions();
        Caller anonymous = Caller.anonymous(port);
        for (Attack attack : attacks()) {
            Answer answer = anonymous.send(attack.route(), attack.path());
            if (answer.status() == 400) {
                // refused before anyone asked who they are (Spring Security's firewall: encoded controls, %25)
                softly.assertThat(answer.body()).as(attack.toString()).doesNotContain(B_NAME, B_CHANNEL, B_MEMBER, B_TEXT);
            } else if (attack.route().api()) {
                softly.assertThat(answer.status()).as(attack.toString()).isEqualTo(401);
            } else {
                softly.assertThat(answer.status()).as(attack.toString()).isEqualTo(302);
                softly.assertThat(answer.location()).as(attack.toString()).endsWith("/login");
            }
            softly.assertThat(answer.body()).as(attack.toString()).doesNotContain(B_NAME, B_CHANNEL, B_MEMBER, B_TEXT);
        }
        softly.assertAll();
    }

    @Test
    @Order(3)
    void routesWithoutIdsShowNothingOfSpaceBToOthers() {
        SoftAssertions softly = new SoftAssertions();
        Caller alice = Caller.signedIn(port, ALICE, PASSWORD, tokens.get(ALICE));
        for (Route route : routes()) {
            if (route.variables().isEmpty() && route.method().equals("GET")) {
                Answer answer = alice.send(route, route.pattern());
                softly.assertThat(answer.body()).as(route.toString()).doesNotContain(B_NAME, B_CHANNEL, B_MEMBER, B_TEXT);
            }
        }
        softly.assertAll();
    }

    /** Nothing refused above changed Space B. */
    @Test
    @Order(4)
    void spaceBIsUnchanged() {
        assertThat(snapshotOfB()).isEqualTo(snapshotOfB);
        assertThat(ScriptedProvider.channel(B_CHANNEL).sent).isEmpty();
    }

    /**
     * The control: the platform admin reads every route of Space B with its canonical ids, and Space A's admin makes
     * every request of the attack on Space A's own ids: each reaches its handler, so the refusals above were the
     * access check's and not a malformed request's.
     */
    @Test
    @Order(5)
    void theSameRequestsSucceedForThoseWhoMayMakeThem() {
        SoftAssertions softly = new SoftAssertions();
        Caller admin = new Caller(platform, WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD));
        Caller alice = Caller.signedIn(port, ALICE, PASSWORD, tokens.get(ALICE));
        for (Route route : tenantRoutes()) {
            Map<String, String> ofB = new LinkedHashMap<>(FIXED);
            ofB.putAll(b);
            if (route.method().equals("GET")) {
                Answer answer = admin.send(route, route.path(ofB));
                softly.assertThat(answer.status()).as("%s as the platform admin", route).isBetween(200, 399);
            }
            if (route.variables().contains("username") || route.variables().contains("user")) {
                continue; // users and their tokens are the platform admin's alone: SpaceAccessMatrixTest, ApiTokenTest
            }
            Map<String, String> ofA = new LinkedHashMap<>(FIXED);
            ofA.putAll(a);
            if (route.deletes()) {
                ofA.put("channel", channelWithAConversation(a.get("space"), "Doomed-" + route.method(), "Doomed", "Hi"));
            }
            Answer answer = alice.send(route, route.path(ofA));
            softly.assertThat(answer.status()).as("%s as Space A's admin", route).isBetween(200, 399);
            softly.assertThat(answer.location()).as("%s as Space A's admin", route).doesNotEndWith("/login");
        }
        softly.assertAll();
    }

    private String snapshotOfB() {
        String space = "/api/spaces/" + b.get("space");
        String channel = space + "/channels/" + b.get("channel");
        return String.join("\n", platform.get(space).text(),
                platform.get(space + "/channels").body().findValuesAsString("name").toString(),
                platform.get(channel).body().get("enabled").toString(),
                platform.get(channel).body().get("history").toString(),
                platform.get(channel + "/conversations/" + b.get("conversation") + "/messages").text(),
                platform.get("/api/users/" + BOB + "/tokens").body().findValuesAsString("id").toString());
    }

    /** An answer, from the API or a page. */
    record Answer(int status, String location, String body) {
    }

    /** Who attacks: through the API (HTTP Basic) and the pages (a signed-in session with its CSRF token). */
    record Caller(ApiClient api, WebSession pages) {

        static Caller signedIn(int port, String user, String password, String token) {
            return new Caller(ApiClient.withToken(port, token), WebSession.signIn(port, user, password));
        }

        static Caller anonymous(int port) {
            return new Caller(ApiClient.anonymous(port), WebSession.anonymous(port));
        }

        Answer send(Route route, String path) {
            if (route.api()) {
                ApiClient.Response response = switch (route.method()) {
                    case "GET" -> api.get(path);
                    case "DELETE" -> api.delete(path);
                    case "PATCH" -> api.patch(path, apiBody(route));
                    default -> route.takesAFile()
                            ? api.postMultipart(path, Map.of("text", "Intruder's reply"), new ApiClient.FilePart(
                                    "file", "intruder.txt", "text/plain", "Intruder".getBytes(StandardCharsets.UTF_8)))
                            : api.post(path, apiBody(route));
                };
                return new Answer(response.status(), "", response.text());
            }
            Page page = route.method().equals("GET") ? pages.get(path) : pages.post(path, PAGE_FORM);
            return new Answer(page.status(), page.location(), page.body());
        }
    }

    /** A form that every page's POST handler reads what it needs from (unknown fields are ignored). */
    private static final Map<String, String> PAGE_FORM = Map.of("s.name", "Intruder", "s.key", "other-key",
            "text", "Intruder's reply", "history", "keep", "draft", "0123", "name", "Intruder");

    /** A valid body for the API's request type, so that a refusal is never about the body. */
    static Object apiBody(Route route) {
        for (var parameter : route.handler().getMethodParameters()) {
            if (parameter.hasParameterAnnotation(RequestBody.class)) {
                String type = parameter.getParameterType().getSimpleName();
                return switch (type) {
                    case "NewChannel" -> Map.of("provider", "scripted",
                            "settings", Map.of("name", "Intruder-" + System.nanoTime(), "key", "k"));
                    case "ChannelChange" -> Map.of("settings", Map.of("key", "other-key"),
                            "confirmDifferentAccount", true);
                    case "Reply" -> Map.of("text", "Intruder's reply");
                    case "NewSpace", "NewTokenRequest" -> Map.of("name", "Intruder");
                    default -> throw new AssertionError(route + " takes a " + type
                            + " this suite cannot write: add a valid example of it to apiBody");
                };
            }
        }
        return Map.of();
    }
}
