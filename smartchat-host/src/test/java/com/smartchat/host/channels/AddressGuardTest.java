package com.smartchat.host.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which resolved addresses count as the platform's own network (no DNS: literals only). */
class AddressGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "149.154.167.220", "100.63.255.255", "100.128.0.1", "172.32.0.1",
            "2001:4860:4860::8888", "2a00:1450:4001::200e"})
    void publicAddressesPass(String literal) throws UnknownHostException {
        assertThat(AddressGuard.isInternal(InetAddress.getByName(literal))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.255.255.255", "172.16.0.1", "192.168.0.1", "169.254.0.1", "0.0.0.0",
            "0.1.2.3", "100.64.0.1", "198.18.0.1", "224.0.0.251", "240.0.0.1", "255.255.255.255", "::1", "::",
            "fe80::1", "fec0::1", "fc00::1", "fdff:ffff::1", "ff05::2", "::ffff:10.0.0.1", "::10.0.0.1",
            "64:ff9b::a00:1", "2002:7f00:1::"})
    void internalAddressesAreCaughtInEverySpelling(String literal) throws UnknownHostException {
        assertThat(AddressGuard.isInternal(InetAddress.getByName(literal))).isTrue();
    }
}
