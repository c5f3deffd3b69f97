package dev.alknet.tun;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The addresses alknet-tun uses on its device. IPv4 198.18.0.0/15 (RFC 2544 benchmarking space, as sing-box and
 * tun2proxy use for fake IPs) and the IPv6 ULA fd18:a1c::/48:
 *
 * <pre>
 *   198.18.0.1 / fd18:a1c::1   the device's own address; the kernel TCP listener is bound here
 *   198.18.0.2 / fd18:a1c::2   the "fake client" of rewritten TCP flows, and the DNS server of namespace mode
 *   198.18.1.0 - 198.19.255.254 and fd18:a1c:0:1::/64   fake IPs handed out by the DNS responder
 * </pre>
 */
final class Net {

    static final int NET4 = 0xC6120000; // 198.18.0.0
    static final int PREFIX4 = 15;
    static final int TUN4 = 0xC6120001;
    static final int PEER4 = 0xC6120002;
    static final int FAKE4_FIRST = 0xC6120100; // 198.18.1.0
    /** 198.18.1.0 .. 198.19.255.254. */
    static final int FAKE_SIZE = 0xC613FFFE - FAKE4_FIRST + 1;

    static final byte[] TUN6 = v6("fd18:a1c::1");
    static final byte[] PEER6 = v6("fd18:a1c::2");
    static final int PREFIX6 = 48;
    /** fd18:a1c:0:1::/64; a fake IPv6 address carries the pool index in its last 32 bits. */
    static final byte[] FAKE6_PREFIX = v6("fd18:a1c:0:1::");

    static final String TUN4_TEXT = "198.18.0.1";
    static final String PEER4_TEXT = "198.18.0.2";
    static final String TUN6_TEXT = "fd18:a1c::1";

    private Net() {
    }

    static byte[] v6(String literal) {
        try {
            byte[] b = InetAddress.getByName(literal).getAddress();
            if (b.length != 16) {
                throw new IllegalArgumentException(literal);
            }
            return b;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static boolean inNet4(int ip) {
        return (ip >>> (32 - PREFIX4)) == (NET4 >>> (32 - PREFIX4));
    }

    static boolean isFake4(int ip) {
        return Integer.compareUnsigned(ip, FAKE4_FIRST) >= 0 && Integer.compareUnsigned(ip - FAKE4_FIRST, FAKE_SIZE) < 0;
    }

    static int fake4(int index) {
        return FAKE4_FIRST + index;
    }

    /** Whether {@code a[off..off+16)} lies in fd18:a1c::/48. */
    static boolean inNet6(byte[] a) {
        for (int i = 0; i < 6; i++) {
            if (a[i] != TUN6[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean isFake6(byte[] a) {
        for (int i = 0; i < 12; i++) {
            if (a[i] != FAKE6_PREFIX[i]) {
                return false;
            }
        }
        int index = index6(a);
        return index >= 0 && index < FAKE_SIZE;
    }

    static int index6(byte[] a) {
        return ((a[12] & 0xff) << 24) | ((a[13] & 0xff) << 16) | ((a[14] & 0xff) << 8) | (a[15] & 0xff);
    }

    static byte[] fake6(int index) {
        byte[] a = FAKE6_PREFIX.clone();
        a[12] = (byte) (index >>> 24);
        a[13] = (byte) (index >>> 16);
        a[14] = (byte) (index >>> 8);
        a[15] = (byte) index;
        return a;
    }

    static byte[] bytes4(int ip) {
        return new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
    }

    static String text4(int ip) {
        return (ip >>> 24) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
    }

    static String text(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
