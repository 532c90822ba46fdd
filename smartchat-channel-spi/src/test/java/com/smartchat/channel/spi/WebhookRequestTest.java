package com.smartchat.channel.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookRequestTest {

    @Test
    void aRequestMadeAsBefore14IsAPostWithoutQuery() {
        WebhookRequest request = new WebhookRequest(Map.of("X-Secret", List.of("s3cr3t")), new byte[] {1, 2});

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.parameters()).isEmpty();
        assertThat(request.header("x-SECRET")).contains("s3cr3t");
    }

    @Test
    void aGetCarriesItsQueryParametersByExactName() {
        WebhookRequest request = new WebhookRequest(Map.of(), new byte[0], "GET",
                Map.of("hub.challenge", List.of("1158201444", "2"), "hub.mode", List.of("subscribe")));

        assertThat(request.parameter("hub.challenge")).contains("1158201444");
        assertThat(request.parameter("HUB.MODE")).isEmpty();
        assertThat(request.toString()).doesNotContain("1158201444").contains("GET", "hub.challenge");
    }

    @Test
    void onlyPostAndGetAreRequests() {
        assertThatThrownBy(() -> new WebhookRequest(Map.of(), new byte[0], "PUT", Map.of()))
                .hasMessage("A webhook request is a POST or a GET, not PUT");
    }
}
