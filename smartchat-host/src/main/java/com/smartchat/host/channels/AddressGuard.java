package com.smartchat.host.channels;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Keeps the addresses a channel's admin types (a provider's URL fields) out of the platform's own network: a plugin
 * would otherwise connect wherever an admin points it, and its answers tell what listens there. After DNS
 * resolution, every address of the host must be public: not loopback, link-local, private (IPv4 private ranges,
 * shared address space, IPv6 unique local and site-local), multicast, unspecified or reserved, also not in an
 * IPv6 form that carries such an IPv4 address. A name that does not resolve is refused the same way, so that the
 * answer tells nothing about which internal names exist. The operator can allow internal addresses
 * ({@code smartchat.channels.allow-internal-addresses}).
 *
 * <p>The plugin resolves the name again when it connects; a name whose DNS answer changes in between (DNS
 * rebinding) is not caught here.
 */
final class AddressGuard {

    /** The one answer to every refused address: which rule it broke would be a map of the network. */
    static final String REFUSED = "This address cannot be used: channels may only reach public internet addresses. "
            + "Enter the service's public address.";

    private AddressGuard() {
    }

    /** Whether a channel may reach the URL's host; {@code false} for anything that is not an http(s) URL. */
    static boolean isPublic(String url) {
        String host;
        try {
            host = new URI(url.strip()).getHost();
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
        return addresses.length > 0 && Arrays.stream(addresses).noneMatch(AddressGuard::isInternal);
    }

    /** Whether an address belongs to a network the platform keeps to itself. */
    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isMulticastAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return isInternalIpv4(bytes);
        }
        if (address instanceof Inet6Address) {
            if ((bytes[0] & 0xfe) == 0xfc) {
                return true; // unique local fc00::/7
            }
            byte[] embedded = embeddedIpv4(bytes);
            return embedded != null && (isInternalIpv4(embedded) || isLoopbackOrLocal(embedded));
        }
        return true;
    }

    /** IPv4 ranges the address methods do not name: "this network", shared (CGNAT), benchmarking, reserved. */
    private static boolean isInternalIpv4(byte[] ip) {
        int a = ip[0] & 0xff;
        int b = ip[1] & 0xff;
        return a == 0 // 0.0.0.0/8
                || a == 100 && b >= 64 && b <= 127 // 100.64.0.0/10 shared address space
                || a == 198 && (b == 18 || b == 19) // 198.18.0.0/15
                || a >= 240; // 240.0.0.0/4 reserved, and the broadcast address
    }

    private static boolean isLoopbackOrLocal(byte[] ip) {
        try {
            InetAddress v4 = InetAddress.getByAddress(ip);
            return v4.isLoopbackAddress() || v4.isLinkLocalAddress() || v4.isSiteLocalAddress()
                    || v4.isMulticastAddress() || v4.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return true;
        }
    }

    /**
     * The IPv4 address an IPv6 address carries: IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d},
     * 6to4 {@code 2002:ab:cd::}; {@code null} for others. (Java already turns IPv4-mapped {@code ::ffff:a.b.c.d}
     * into an IPv4 address.)
     */
    private static byte[] embeddedIpv4(byte[] ip) {
        boolean zeroPrefix = true;
        for (int i = 0; i < 12; i++) {
            zeroPrefix &= ip[i] == 0;
        }
        boolean nat64 = (ip[0] & 0xff) == 0x00 && (ip[1] & 0xff) == 0x64 && (ip[2] & 0xff) == 0xff
                && (ip[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = ip[i] == 0;
        }
        if (zeroPrefix || nat64) {
            return Arrays.copyOfRange(ip, 12, 16);
        }
        if ((ip[0] & 0xff) == 0x20 && (ip[1] & 0xff) == 0x02) {
            return Arrays.copyOfRange(ip, 2, 6);
        }
        return null;
    }
}
