package com.smartchat.host.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import com.smartchat.host.web.WebSession;
import com.smartchat.host.web.WebSession.Page;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Each admin's sandbox is their own: admin B gets 404 on every route of a chat that involves admin A's audience
 * member or A's bot (the routes enumerated from Spring's handler mappings, so that a new chat route is covered
 * without anyone remembering it), cannot open A's bot by its link, and never sees A's members, bots or messages on
 * any sandbox page; A's chat is unchanged afterwards.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "smartchat.sandbox.enabled=true")
class SandboxIsolationTest {

    private static final String CHAT_PREFIX = "/sandbox/audience/{user}/{bot}";
    /** Every parameter any chat route takes, so that a refusal is never a 400 for a missing one. */
    private static final Map<String, String> ANY_FORM = Map.of("text", "bravo was here", "caption", "bravo was here",
            "latitude", "1", "longitude", "1", "phone", "+100", "name", "Bravo", "message", "1", "data", "d",
            "start", "x");

    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void anotherAdminsMembersBotsAndChatsDoNotExistForAnAdmin() {
        WebSession alpha = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        String bravoName = "bravo" + System.nanoTime();
        alpha.post("/users", Map.of("username", bravoName, "password", "bravos-password-1"));
        WebSession bravo = WebSession.signIn(port, bravoName, "bravos-password-1");

        newBot(alpha, "Alpha Hidden Desk", "alpha_hidden_bot");
        String alphaMember = newMember(alpha, "Zelda Alphaowner");
        assertThat(alpha.post(chat(alphaMember, "alpha_hidden_bot") + "/messages",
                Map.of("text", "alpha secret words")).status()).isEqualTo(302);
        newBot(bravo, "Bravo Desk", "bravo_own_bot");
        String bravoMember = newMember(bravo, "Yuri Bravoson");

        List<String[]> routes = chatRoutes();
        assertThat(routes).as("the chat routes found in the handler mappings").hasSizeGreaterThanOrEqualTo(10);
        List<String> answered = new ArrayList<>();
        String[][] foreignChats = {{alphaMember, "alpha_hidden_bot"}, {bravoMember, "alpha_hidden_bot"},
                {bravoMember, "ALPHA_HIDDEN_BOT"}, {alphaMember, "bravo_own_bot"}};
        for (String[] route : routes) {
            for (String[] foreign : foreignChats) {
                String path = route[1].replace("{user}", foreign[0]).replace("{bot}", foreign[1]);
                Page page = route[0].equals("GET") ? bravo.get(path, route[2]) : bravo.post(path, ANY_FORM);
                answered.add(route[0] + " " + path + " -> " + page.status());
                assertThat(page.status()).as(route[0] + " " + path).isEqualTo(404);
                // an error may name the path Bravo asked for: his own words, not Alpha's data
                assertNothingOfAlpha(page.body().replace(path, ""), route[0] + " " + path);
            }
        }
        System.out.println("Bravo's attempts on Alpha's sandbox: " + answered);
        // the same routes do work for their owner
        assertThat(alpha.get(chat(alphaMember, "alpha_hidden_bot")).status()).isEqualTo(200);
        assertThat(alpha.get(chat(alphaMember, "alpha_hidden_bot") + "/events", "text/event-stream").status())
                .isEqualTo(200);
        assertThat(bravo.get(chat(bravoMember, "bravo_own_bot")).status()).isEqualTo(200);

        Page open = bravo.post("/sandbox/audience/open", Map.of("user", bravoMember,
                "link", "https://t.me/alpha_hidden_bot"));
        assertThat(open.location()).as("refused back to the audience page").doesNotContain("/sandbox/audience/" + bravoMember + "/");
        for (String path : List.of("/sandbox/audience", "/sandbox/audience?user=" + alphaMember,
                "/sandbox/audience?user=" + bravoMember, "/sandbox/botfather")) {
            Page page = bravo.get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.body()).as(path).contains(path.contains("botfather") ? "bravo_own_bot" : "Yuri Bravoson");
            assertNothingOfAlpha(page.body(), path);
        }

        String alphaChat = alpha.get(chat(alphaMember, "alpha_hidden_bot")).body();
        assertThat(alphaChat).contains("alpha secret words").doesNotContain("bravo was here", "Bravo");
    }

    private static void assertNothingOfAlpha(String body, String where) {
        assertThat(body).as(where).doesNotContain("Zelda", "Alphaowner", "alpha_hidden_bot", "Alpha Hidden Desk",
                "alpha secret words");
    }

    /** Every mapped sandbox route of one chat: method, path pattern, and what a GET accepts. */
    private List<String[]> chatRoutes() {
        List<String[]> routes = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith(CHAT_PREFIX)) {
                    continue;
                }
                String accept = info.getProducesCondition().getProducibleMediaTypes().stream().findFirst()
                        .map(Object::toString).orElse("text/html");
                for (RequestMethod verb : info.getMethodsCondition().getMethods()) {
                    routes.add(new String[] {verb.name(), pattern, accept});
                }
            }
        });
        return routes;
    }

    private static void newBot(WebSession admin, String name, String username) {
        for (String text : List.of("/newbot", name, username)) {
            admin.post("/sandbox/botfather", Map.of("text", text));
        }
        assertThat(admin.get("/sandbox/botfather").body()).contains("t.me/" + username);
    }

    private static String newMember(WebSession admin, String firstName) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("firstName", firstName);
        Page created = admin.post("/sandbox/audience/members", form);
        assertThat(created.status()).isEqualTo(302);
        return created.location().replaceFirst(".*[?&]user=(\\d+).*", "$1");
    }

    private static String chat(String member, String bot) {
        return "/sandbox/audience/" + member + "/" + bot;
    }
}
