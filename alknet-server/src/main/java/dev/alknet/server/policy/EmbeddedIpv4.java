package dev.alknet.server.policy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The IPv4 address an IPv6 address carries and that a packet to it may end up at: IPv4-mapped {@code ::ffff:0:0/96},
 * IPv4-compatible {@code ::/96}, NAT64 {@code 64:ff9b::/96} and 6to4 {@code 2002::/16}. Address rules and classes
 * match such an address by its IPv4 address too, so {@code 64:ff9b::7f00:1} is loopback and {@code ::ffff:10.0.0.1}
 * private.
 */
final class EmbeddedIpv4 {

    private EmbeddedIpv4() {
    }

    /** The embedded IPv4 address, or null if {@code a} carries none. */
    static Inet4Address of(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return null;
        }
        byte[] b = a.getAddress();
        if (b[0] == 0x20 && b[1] == 0x02) { // 6to4: 2002:AABB:CCDD::/48
            return v4(b, 2);
        }
        boolean zeros80 = allZero(b, 0, 10);
        if (zeros80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) { // mapped
            return v4(b, 12);
        }
        if (zeros80 && b[10] == 0 && b[11] == 0 && !allZero(b, 12, 3)) { // compatible, not :: or ::1
            return v4(b, 12);
        }
        if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 8)) {
            return v4(b, 12); // NAT64 well-known prefix
        }
        return null;
    }

    static boolean isMapped(byte[] b) {
        return b.length == 16 && allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    private static boolean allZero(byte[] b, int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Inet4Address v4(byte[] b, int at) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {b[at], b[at + 1], b[at + 2], b[at + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
