package com.smartchat.channel.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookResponseTest {

    @Test
    void anAnswerCarriesTheHeadersItIsGiven() {
        WebhookResponse response = WebhookResponse.of(503, "Not stored").withHeader("Retry-After", "5")
                .withHeader("Content-Type", "application/json").withHeader("retry-after", "7");

        assertThat(response.headers()).containsExactly(Map.entry("Content-Type", "application/json"),
                Map.entry("retry-after", "7"));
        assertThat(WebhookResponse.ok().headers()).isEmpty();
        assertThat(new WebhookResponse(200, "as before 1.4").headers()).isEmpty();
    }

    @Test
    void noHeaderCanBreakOutOfItsLine() {
        WebhookResponse response = WebhookResponse.ok();

        assertThatThrownBy(() -> response.withHeader("Retry-After", "5\r\nSet-Cookie: session=evil"))
                .hasMessageContaining("without line breaks");
        assertThatThrownBy(() -> response.withHeader("Retry-After", "5\n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> response.withHeader("X-Name\r\nSet-Cookie", "a"))
                .hasMessage("Not an HTTP header name: 'X-Name\r\nSet-Cookie'");
        assertThatThrownBy(() -> response.withHeader("X-Echo", "caf\u00e9")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> response.withHeader("X-Echo", "x".repeat(513))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> response.withHeader("X-Echo", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headersTheHostOwnsAreRefused() {
        WebhookResponse response = WebhookResponse.ok();

        for (String name : new String[] {"Content-Length", "transfer-encoding", "Connection", "Set-Cookie",
                "Location", "Refresh", "Content-Security-Policy", "X-Frame-Options", "Strict-Transport-Security",
                "Access-Control-Allow-Origin"}) {
            assertThatThrownBy(() -> response.withHeader(name, "x")).as(name)
                    .hasMessage("A webhook answer cannot set " + name + ": the host owns it");
        }
        assertThatThrownBy(() -> response.withHeader("Content-Type", "text/html"))
                .hasMessage("A webhook answer is text/plain or application/json, not 'text/html'");
    }

    @Test
    void anAnswerCarriesAFewHeadersAtMost() {
        WebhookResponse response = WebhookResponse.ok();
        for (int i = 0; i < 10; i++) {
            response = response.withHeader("X-Echo-" + i, "1");
        }
        WebhookResponse full = response;

        assertThatThrownBy(() -> full.withHeader("X-Echo-10", "1")).hasMessageContaining("at most 10 headers");
    }
}
