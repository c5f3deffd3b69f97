package dev.alknet.server.policy;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Named address classes usable wherever a host pattern is: {@code loopback}, {@code link-local} (includes the cloud
 * metadata address 169.254.169.254), {@code private} (RFC 1918, CGNAT, ULA), {@code self} (this machine's interface
 * addresses and the unspecified address), {@code multicast}. The default protected set is loopback, link-local, self.
 */
final class AddressClasses {

    static final List<String> NAMES = List.of("loopback", "link-local", "private", "self", "multicast");
    static final List<String> PROTECTED_BY_DEFAULT = List.of("loopback", "link-local", "self");

    private AddressClasses() {
    }

    /** The class called {@code name}, or null if it is not a class name. */
    static HostMatcher byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "loopback" -> of("loopback", "127.0.0.0/8", "::1/128", "localhost", "*.localhost");
            case "link-local" -> of("link-local", "169.254.0.0/16", "fe80::/10");
            case "private" -> of("private", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                    "fc00::/7");
            case "multicast" -> of("multicast", "224.0.0.0/4", "ff00::/8");
            case "self" -> new SelfMatcher();
            default -> null;
        };
    }

    private static HostMatcher of(String name, String... parts) {
        List<HostMatcher> ms = new ArrayList<>();
        for (String p : parts) {
            ms.add(HostMatcher.parse(p));
        }
        return new HostMatcher.AnyOf(name, List.copyOf(ms));
    }

    /**
     * The server's own addresses: the unspecified address, broadcast, and every interface address, re-read at most
     * every 30 s (interfaces come and go).
     */
    static final class SelfMatcher implements HostMatcher {
        private static final long REFRESH_NANOS = 30_000_000_000L;
        private volatile List<InetAddress> own = List.of();
        private volatile long readAt;

        @Override
        public boolean matches(String name, InetAddress address) {
            if (address == null) {
                return false;
            }
            if (address.isAnyLocalAddress() || address.getHostAddress().equals("255.255.255.255")) {
                return true;
            }
            return ownAddresses().contains(address);
        }

        @Override
        public boolean usesAddress() {
            return true;
        }

        private List<InetAddress> ownAddresses() {
            long now = System.nanoTime();
            if (readAt == 0 || now - readAt > REFRESH_NANOS) {
                List<InetAddress> all = new ArrayList<>();
                try {
                    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                        all.addAll(Collections.list(nif.getInetAddresses()));
                    }
                } catch (SocketException e) {
                    // keep the last list
                    return own;
                }
                own = List.copyOf(all);
                readAt = now;
            }
            return own;
        }

        @Override
        public String toString() {
            return "self";
        }
    }
}
