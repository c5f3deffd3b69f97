package dev.alknet.server.policy;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * One host pattern: a CIDR block ({@code 10.0.0.0/8}, {@code fe80::/10}), an IP literal, or an OpenSSH wildcard
 * pattern ({@code *.example.com}, {@code 192.168.1.*}) matched against the name and the address text. Address
 * matchers also match an IPv6 address by the IPv4 address it carries ({@link EmbeddedIpv4}).
 */
interface HostMatcher {

    /** Whether this matches; {@code name} and {@code address} may each be null (unknown). */
    boolean matches(String name, InetAddress address);

    /** True if an address (known only after DNS) could make this match where the name alone did not. */
    boolean usesAddress();

    /** The address class this is ({@code loopback}, {@code self}, ...), or null. */
    default String className() {
        return null;
    }

    static HostMatcher parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty host pattern");
        }
        int slash = t.indexOf('/');
        if (slash >= 0) {
            String ip = t.substring(0, slash);
            if (!NetUtil.isValidIpV4Address(ip) && !NetUtil.isValidIpV6Address(ip)) {
                throw new IllegalArgumentException("bad CIDR '" + t + "' (expected e.g. 10.0.0.0/8 or fd00::/8)");
            }
            int prefix;
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad CIDR prefix in '" + t + "'");
            }
            int max = NetUtil.isValidIpV4Address(ip) ? 32 : 128;
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("CIDR prefix out of range in '" + t + "' (0-" + max + ")");
            }
            byte[] network = NetUtil.createByteArrayFromIpAddressString(ip);
            if (network.length == 16 && prefix >= 96 && EmbeddedIpv4.isMapped(network)) { // ::ffff:a.b.c.d/N
                return new Cidr(t, java.util.Arrays.copyOfRange(network, 12, 16), prefix - 96);
            }
            return new Cidr(t, network, prefix);
        }
        HostMatcher named = AddressClasses.byName(t);
        if (named != null) {
            return named;
        }
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(t);
        if (literal != null) {
            return new Literal(literal);
        }
        if (!t.matches("[A-Za-z0-9*?._:%-]+")) {
            throw new IllegalArgumentException("bad host pattern '" + t + "'");
        }
        return new Pattern(t.toLowerCase(Locale.ROOT));
    }

    record Cidr(String text, byte[] network, int prefix) implements HostMatcher {
        @Override
        public boolean matches(String name, InetAddress address) {
            return address != null && (contains(address.getAddress()) || contains(EmbeddedIpv4.of(address)));
        }

        private boolean contains(InetAddress a) {
            return a != null && contains(a.getAddress());
        }

        /** Whether {@code bytes} (an address of the same family) lies in this block. */
        boolean contains(byte[] bytes) {
            return bytes.length == network.length && samePrefix(bytes, prefix);
        }

        /** Whether every address of {@code inner} lies in this block. */
        boolean contains(Cidr inner) {
            return inner.network.length == network.length && inner.prefix >= prefix && samePrefix(inner.network, prefix);
        }

        private boolean samePrefix(byte[] bytes, int bits) {
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((bytes[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean usesAddress() {
            return true;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    record Literal(InetAddress address) implements HostMatcher {
        @Override
        public boolean matches(String name, InetAddress a) {
            return a != null && (address.equals(a) || address.equals(EmbeddedIpv4.of(a)));
        }

        @Override
        public boolean usesAddress() {
            return true;
        }

        @Override
        public String toString() {
            return address.getHostAddress();
        }
    }

    record Pattern(String pattern) implements HostMatcher {
        @Override
        public boolean matches(String name, InetAddress address) {
            return (name != null && Wildcard.matches(pattern, stripDot(name)))
                    || (address != null && Wildcard.matches(pattern, address.getHostAddress()));
        }

        @Override
        public boolean usesAddress() {
            return pattern.matches("[0-9a-f.:*?%]+"); // could match an address's text, e.g. 192.168.1.*
        }

        private static String stripDot(String n) {
            return n.endsWith(".") && n.length() > 1 ? n.substring(0, n.length() - 1) : n;
        }

        @Override
        public String toString() {
            return pattern;
        }
    }

    /** Several matchers as one (an address class such as {@code loopback}). */
    record AnyOf(String name, List<HostMatcher> parts) implements HostMatcher {
        @Override
        public boolean matches(String n, InetAddress address) {
            for (HostMatcher m : parts) {
                if (m.matches(n, address)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean usesAddress() {
            return parts.stream().anyMatch(HostMatcher::usesAddress);
        }

        @Override
        public String className() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
