package com.smartchat.host.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.host.ShiftableClock;
import com.smartchat.host.web.WebSession;
import com.smartchat.host.web.WebSession.Page;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Password guessing, by HTTP Basic and by the sign-in form, from the outside: after a few wrong passwords an account
 * (or a client address) is locked out with growing delays, answered 429 with Retry-After, and even the right
 * password does not get in until the lock-out ends. Each test connects from loopback addresses of its own
 * (127.0.0.x), so that their addresses' failures do not mix; the host's clock is moved forward instead of waiting.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "smartchat.sign-in.max-lockout=10m") // its own context: the lock-outs stay in it
@ExtendWith(OutputCaptureExtension.class)
class SignInThrottleTest {

    private static final String PASSWORD = "the-right-password-1";

    @LocalServerPort
    int port;
    @Autowired
    ShiftableClock clock;

    @TestConfiguration
    static class MovableTime {
        @Bean
        @Primary
        ShiftableClock shiftableClock() {
            return new ShiftableClock();
        }
    }

    @BeforeEach
    void createUsers() {
        clock.stop(); // a lock-out ends when a test moves the clock, never because the machine was slow
        WebSession admin = WebSession.signIn(port, ApiClient.ADMIN, ApiClient.ADMIN_PASSWORD);
        for (String user : List.of("basic.victim", "form.victim", "bystander", "spray.target")) {
            admin.post("/users", Map.of("username", user, "password", PASSWORD)); // 422 when it exists already
        }
    }

    @Test
    void twentyWrongPasswordsByBasicThenTheRightOneAre429AndTheLockOutEnds(CapturedOutput log) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            statuses.add(ApiClient.as(port, "basic.victim", "wrong-password-" + i).from("127.0.0.2")
                    .get("/api/spaces").status());
        }
        Response right = ApiClient.as(port, "basic.victim", PASSWORD).from("127.0.0.2").get("/api/spaces");

        assertThat(statuses.getFirst()).isEqualTo(401);
        assertThat(statuses.getLast()).as("the 20th wrong password").isEqualTo(429);
        assertThat(statuses.subList(statuses.indexOf(429), 20)).as("once locked, every attempt").containsOnly(429);
        assertThat(right.status()).as("the right password during the lock-out").isEqualTo(429);
        assertThat(right.body().isObject()).isTrue();
        assertThat(right.text()).contains("Too many failed sign-ins");
        long retryAfter = Long.parseLong(right.header("Retry-After"));
        assertThat(retryAfter).isPositive();
        assertThat(ApiClient.as(port, "basic.victim", PASSWORD).from("127.0.0.9").get("/api/spaces").status())
                .as("the account is locked from every address").isEqualTo(429);
        assertThat(ApiClient.as(port, "BASIC.VICTIM", "another-guess").from("127.0.0.9").get("/api/spaces").status())
                .as("another spelling of the same name").isEqualTo(429);
        assertThat(ApiClient.as(port, "bystander", PASSWORD).from("127.0.0.2").get("/api/spaces").status())
                .as("another account from the same address").isEqualTo(200);
        assertThat(log.getAll()).as("one audit line for the one lock-out, without a password")
                .containsOnlyOnce("Sign-in lock-out: user name 'basic.victim'").doesNotContain("wrong-password-");

        clock.advance(Duration.ofSeconds(retryAfter));
        assertThat(ApiClient.as(port, "basic.victim", PASSWORD).from("127.0.0.2").get("/api/spaces").status())
                .as("after the lock-out").isEqualTo(200);
    }

    @Test
    void twentyWrongPasswordsInTheSignInFormThenTheRightOneAre429AndNotSignedIn() {
        WebSession browser = WebSession.anonymousFrom(port, "127.0.0.3");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            statuses.add(browser.post("/login", Map.of("username", "form.victim", "password", "wrong-" + i)).status());
        }
        Page right = browser.post("/login", Map.of("username", "form.victim", "password", PASSWORD));

        assertThat(statuses.getFirst()).isEqualTo(302);
        assertThat(statuses.getLast()).as("the 20th wrong password").isEqualTo(429);
        assertThat(right.status()).as("the right password during the lock-out").isEqualTo(429);
        assertThat(right.body()).contains("data-login-throttled", "try again in", "name=\"_csrf\"");
        long retryAfter = Long.parseLong(right.header("Retry-After"));
        assertThat(right.body()).contains(retryAfter + "</span> seconds");
        assertThat(browser.get("/spaces").location()).as("not signed in").endsWith("/login");
        assertThat(WebSession.anonymous(port).get("/login/throttled").location()).as("only as an answer")
                .endsWith("/login");

        clock.advance(Duration.ofSeconds(retryAfter));
        Page after = browser.post("/login", Map.of("username", "form.victim", "password", PASSWORD));
        assertThat(after.status()).isEqualTo(302);
        assertThat(after.location()).doesNotContain("error");
        assertThat(browser.get("/spaces").status()).isEqualTo(200);
    }

    @Test
    void oneAddressGuessingManyNamesIsLockedOutWhileOtherAddressesAreNot(CapturedOutput log) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // a different name each time, most of them nobody's
            statuses.add(ApiClient.as(port, "nobody-" + i, "guess-" + i).from("127.0.0.4").get("/api/spaces").status());
        }
        assertThat(statuses.getFirst()).isEqualTo(401);
        assertThat(statuses.getLast()).as("the 20th guess from the address").isEqualTo(429);
        assertThat(ApiClient.as(port, "spray.target", PASSWORD).from("127.0.0.4").get("/api/spaces").status())
                .as("a right password from the locked address").isEqualTo(429);
        assertThat(ApiClient.as(port, "spray.target", PASSWORD).from("127.0.0.5").get("/api/spaces").status())
                .as("the same account from another address").isEqualTo(200);
        assertThat(log.getAll()).containsOnlyOnce("Sign-in lock-out: client address 127.0.0.4");
    }
}
