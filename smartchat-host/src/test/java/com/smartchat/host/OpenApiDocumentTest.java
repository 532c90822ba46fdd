package com.smartchat.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The API describes itself for its clients. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiDocumentTest {

    @LocalServerPort
    int port;

    @Test
    void theOpenApiDocumentListsTheChannelApi() {
        Response document = ApiClient.admin(port).get("/v3/api-docs");

        assertThat(document.status()).isEqualTo(200);
        assertThat(document.body().get("openapi").asString()).startsWith("3.");
        assertThat(document.body().get("paths").propertyNames()).contains(
                "/api/providers", "/api/spaces", "/api/spaces/{space}/channels",
                "/api/spaces/{space}/channels/validate", "/api/spaces/{space}/channels/{channel}",
                "/api/spaces/{space}/channels/{channel}/conversations/{conversation}/messages",
                "/api/users/{user}/tokens", "/api/users/{user}/tokens/{token}");
    }
}
