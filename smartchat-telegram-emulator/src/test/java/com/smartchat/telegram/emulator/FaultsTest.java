package com.smartchat.telegram.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class FaultsTest extends EmulatorTestBase {

    /** The latency a cleared or untargeted call must not wait: a call far quicker than it is not delayed. */
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void latencyDelaysEveryAnswerUntilCleared() {
        telegram.faults().latency(Duration.ofMillis(300));
        assertThat(timeOf(() -> ok("getMe"))).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        telegram.faults().latency(MINUTE).clear();
        assertThat(timeOf(() -> ok("getMe"))).isLessThan(MINUTE);
    }

    @Test
    void latencyCanTargetOneMethod() {
        alice.start(bot);
        telegram.faults().latency("sendMessage", MINUTE);
        assertThat(timeOf(() -> ok("getMe"))).isLessThan(MINUTE);

        telegram.faults().latency("sendMessage", Duration.ofMillis(300));
        assertThat(timeOf(() -> ok("sendMessage", "chat_id", alice.id(), "text", "slow")))
                .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void failNextAnswersServerErrorsThenRecovers() {
        telegram.faults().failNext(2, 500);

        BotApiClient.Response first = api.call(bot.token(), "getMe");
        BotApiClient.Response second = api.call(bot.token(), "getMe");

        assertThat(first.status()).isEqualTo(500);
        assertThat(first.text())
                .isEqualTo("{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error\"}");
        assertThat(second.status()).isEqualTo(500);
        ok("getMe");
    }

    @Test
    void gatewayErrorsComeAsNginxHtmlLikeTelegramsFront() {
        telegram.faults().failNext(1, 502);

        BotApiClient.Response response = api.call(bot.token(), "getMe");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html");
        assertThat(response.text()).contains("<title>502 Bad Gateway</title>");
        assertThat(response.body()).isNull();
    }

    @Test
    void failuresCanTargetOneMethodWhileOthersPass() {
        alice.start(bot);
        telegram.faults().failNext("sendMessage", 1, 503);

        ok("getUpdates");
        assertThat(api.call(bot.token(), "sendMessage", "chat_id", alice.id(), "text", "x").status()).isEqualTo(503);
        ok("sendMessage", "chat_id", alice.id(), "text", "x");
    }

    @Test
    void injected429CarriesRetryAfterAndIsCounted() {
        telegram.faults().failNext(1, 429);

        BotApiClient.Response response = api.call(bot.token(), "getMe");

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.body().at("/parameters/retry_after").asInt()).isEqualTo(1);
        assertThat(telegram.tooManyRequestsCount()).isEqualTo(1);
    }

    @Test
    void droppedConnectionsGetNoAnswerAtAll() {
        telegram.faults().dropNextConnections(1);

        Exception failure = api.failure(bot.token(), "getMe");

        assertThat(failure).isInstanceOf(IOException.class);
        ok("getMe");
        assertThat(telegram.requestCount("getMe")).isEqualTo(2);
    }

    @Test
    void faultsActBeforeTheTokenIsChecked() {
        telegram.faults().failNext(1, 500);

        assertThat(api.call("123:wrong", "getMe").status()).isEqualTo(500);
    }

    private static Duration timeOf(Runnable action) {
        long started = System.nanoTime();
        action.run();
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
