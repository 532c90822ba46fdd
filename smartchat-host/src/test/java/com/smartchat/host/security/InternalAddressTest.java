package com.smartchat.host.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.smartchat.host.ApiClient;
import com.smartchat.host.ApiClient.Response;
import com.smartchat.telegram.emulator.RawListener;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 10, finding 3: an address typed into a channel's form never leads a plugin into the platform's own network.
 * With the operator's default ({@code smartchat.channels.allow-internal-addresses=false}), every internal address
 * class, in every spelling, is refused with one message before the plugin is called: a socket listening on this
 * machine's loopback port, which each address names where it can, receives no connection at all.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InternalAddressTest {

    /** What the host says to every refused address. */
    private static final String REFUSED = "This address cannot be used: channels may only reach public internet "
            + "addresses. Enter the service's public address.";

    @LocalServerPort
    int port;
    ApiClient admin;
    String space;
    RawListener internal;

    @BeforeAll
    void aSpaceAndAnInternalService() throws IOException {
        admin = ApiClient.admin(port);
        space = "/api/spaces/" + admin.post("/api/spaces", Map.of("name", "Probes")).body().get("id").asString();
        internal = RawListener.greeting("SSH-2.0-OpenSSH_9.6\r\n");
    }

    @AfterAll
    void stopTheService() throws IOException {
        internal.close();
    }

    @Test
    void everyInternalAddressClassIsRefusedWithOneMessageAndNothingIsContacted() {
        int p = internal.port();
        List<String> addresses = List.of(
                "http://127.0.0.1:" + p,                // loopback
                "http://127.1.2.3:" + p,                // the rest of 127/8
                "http://[::1]:" + p,                    // IPv6 loopback
                "http://localhost:" + p,                // a name that resolves to loopback
                "http://0.0.0.0:" + p,                  // unspecified: Linux connects it to loopback
                "http://[::]:" + p,                     // IPv6 unspecified
                "http://[::ffff:127.0.0.1]:" + p,       // IPv4-mapped loopback
                "http://[::ffff:a9fe:a9fe]:" + p,       // IPv4-mapped link-local, in hex
                "http://[::127.0.0.1]:" + p,            // IPv4-compatible loopback
                "http://169.254.169.254",               // link-local: cloud metadata
                "http://[fe80::1]:" + p,                // IPv6 link-local
                "http://10.0.0.1:" + p,                 // private
                "http://172.16.0.1:" + p,
                "http://172.31.255.254:" + p,
                "http://192.168.1.1:" + p,
                "http://100.64.0.1:" + p,               // shared address space (carrier NAT)
                "http://[fd00::1]:" + p,                // IPv6 unique local
                "http://[fc00::1]:" + p,
                "http://224.0.0.1:" + p,                // multicast
                "http://[ff02::1]:" + p,                // IPv6 multicast
                "http://255.255.255.255:" + p,          // broadcast
                "http://[64:ff9b::7f00:1]:" + p,        // NAT64 of loopback
                "http://no-such-host.invalid:" + p);    // unresolvable: refused the same way

        for (String address : addresses) {
            Response checked = admin.post(space + "/channels/validate", relay("Probe", address));

            assertThat(checked.status()).as(address).isEqualTo(200);
            assertThat(checked.body().get("valid").asBoolean()).as(address).isFalse();
            assertThat(checked.body().get("fieldErrors").get("server").get(0).asString()).as(address).isEqualTo(REFUSED);
            assertThat(checked.body().get("fieldErrors").size()).as(address).isEqualTo(1);
        }
        assertThat(internal.connections()).as("connections to the internal service").isZero();
    }

    @Test
    void connectingAChannelToAnInternalAddressIsRefusedToo() {
        Response created = admin.post(space + "/channels", relay("Inside", "http://127.0.0.1:" + internal.port()));

        assertThat(created.status()).isEqualTo(422);
        assertThat(created.body().get("fieldErrors").get("server").get(0).asString()).isEqualTo(REFUSED);
        assertThat(internal.connections()).isZero();
    }

    private static Map<String, Object> relay(String name, String server) {
        return Map.of("provider", "relay", "settings", Map.of("name", name, "key", "probe-key", "server", server));
    }
}
