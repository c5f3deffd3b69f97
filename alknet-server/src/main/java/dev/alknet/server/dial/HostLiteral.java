package dev.alknet.server.dial;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What a destination host string the client sent really is, decided once, before the policy and before any dial: an
 * IP address, a DNS name, or something to refuse. Every IPv4 form {@code inet_aton(3)} accepts is an address here
 * ({@code 127.1}, {@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1}, one trailing dot), never a name: a name goes
 * to the resolver or, unresolved, to an outbound proxy, whose own parser would turn those forms into loopback on its
 * host. A host whose last label is a number but that is no valid IPv4 address ({@code 1.2.3.256}, {@code 08.1},
 * {@code a.1}) is refused rather than guessed at, as are hosts with characters no DNS name has (spaces, control
 * characters, {@code %}, {@code /}, {@code @}), empty labels, and a {@code :} that is no valid IPv6 literal.
 */
public final class HostLiteral {

    /** The kinds of host string. */
    public enum Kind { ADDRESS, NAME, INVALID }

    /**
     * @param kind    what the string is
     * @param address for {@link Kind#ADDRESS}: the address (an IPv4-mapped IPv6 literal is its IPv4 address)
     * @param name    for {@link Kind#NAME}: the name without brackets; for {@link Kind#INVALID}: why
     */
    public record Host(Kind kind, InetAddress address, String name) {
        public boolean isAddress() {
            return kind == Kind.ADDRESS;
        }

        public boolean isInvalid() {
            return kind == Kind.INVALID;
        }
    }

    private HostLiteral() {
    }

    public static Host parse(String host) {
        if (host == null) {
            return invalid("no host");
        }
        String h = host.length() > 1 && host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1) : host;
        if (h.isEmpty()) {
            return invalid("empty host");
        }
        if (h.indexOf(':') >= 0) {
            return ipv6(h);
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.')) {
                return invalid("character " + describe(c) + " in host name");
            }
        }
        String body = h.endsWith(".") ? h.substring(0, h.length() - 1) : h; // one trailing dot: the DNS root
        if (body.isEmpty() || body.startsWith(".") || body.endsWith(".") || body.contains("..")) {
            return invalid("empty label in host name");
        }
        String last = body.substring(body.lastIndexOf('.') + 1);
        if (!isNumber(last)) {
            return new Host(Kind.NAME, null, h);
        }
        byte[] v4 = inetAton(body);
        if (v4 == null) {
            return invalid("'" + h + "' ends in a number but is no IPv4 address");
        }
        return new Host(Kind.ADDRESS, address(v4), null);
    }

    /**
     * The four bytes {@code inet_aton(3)} makes of {@code text} (without its trailing whitespace tolerance): 1 to 4
     * parts separated by dots, each decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes.
     * Null if it is no such address.
     */
    static byte[] inetAton(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            long v = number(parts[i]);
            if (v < 0) {
                return null;
            }
            values[i] = v;
        }
        long lastMax = 0xFFFFFFFFL >>> (8 * (parts.length - 1));
        long addr = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 0xFF) {
                return null;
            }
            addr |= values[i] << (24 - 8 * i);
        }
        if (values[parts.length - 1] > lastMax) {
            return null;
        }
        addr |= values[parts.length - 1];
        return new byte[] {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr};
    }

    /** One inet_aton part's value, or -1; bounded so no part can overflow. */
    private static long number(String p) {
        int radix = 10;
        String digits = p;
        if (p.length() > 1 && (p.startsWith("0x") || p.startsWith("0X"))) {
            radix = 16;
            digits = p.substring(2);
            if (digits.isEmpty()) {
                return 0; // inet_aton reads "0x" as 0
            }
        } else if (p.length() > 1 && p.startsWith("0")) {
            radix = 8;
            digits = p.substring(1);
        }
        if (digits.isEmpty() || digits.length() > 32) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            if (d < 0) {
                return -1;
            }
            v = v * radix + d;
            if (v > 0xFFFFFFFFL) {
                return -1;
            }
        }
        return v;
    }

    /** What WHATWG URL calls "ends in a number": all digits, or 0x and hex digits. */
    private static boolean isNumber(String label) {
        if (label.isEmpty()) {
            return false;
        }
        if (label.length() >= 2 && (label.startsWith("0x") || label.startsWith("0X"))) {
            return label.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
        }
        return label.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static Host ipv6(String h) {
        int pct = h.indexOf('%');
        String addr = pct < 0 ? h : h.substring(0, pct);
        if (pct >= 0 && (pct == h.length() - 1 || !h.substring(pct + 1).matches("[A-Za-z0-9_.-]{1,32}"))) {
            return invalid("bad zone id in '" + h + "'");
        }
        if (!NetUtil.isValidIpV6Address(addr)) {
            return invalid("'" + h + "' is no IPv6 address");
        }
        int dot = addr.indexOf('.');
        if (dot >= 0) { // an embedded dotted quad: strict, no octal or short forms
            String quad = addr.substring(addr.lastIndexOf(':') + 1);
            if (!NetUtil.isValidIpV4Address(quad) || quad.matches(".*(^|\\.)0\\d.*")) {
                return invalid("'" + h + "' has a non-canonical IPv4 part");
            }
        }
        InetAddress a = NetUtil.createInetAddressFromIpAddressString(addr);
        if (a == null) {
            return invalid("'" + h + "' is no IPv6 address");
        }
        if (pct >= 0 && a instanceof Inet6Address) {
            try {
                a = InetAddress.getByName(h); // a literal with a zone id: parsed by the JDK, never looked up
            } catch (UnknownHostException e) {
                return invalid("unknown zone in '" + h + "'");
            }
        }
        return new Host(Kind.ADDRESS, a, null);
    }

    private static InetAddress address(byte[] v4) {
        try {
            return InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for a wrong length
        }
    }

    private static Host invalid(String why) {
        return new Host(Kind.INVALID, null, why);
    }

    private static String describe(char c) {
        return c < 0x20 || c >= 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }
}
