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
 * metadata address 169.254.169.254), {@code metadata} (the clouds' metadata, DNS, NTP and host-agent endpoints, some
 * of them outside link-local), {@code private} (RFC 1918, CGNAT, ULA), {@code self} (this machine's interface
 * addresses, {@code 0.0.0.0/8} and {@code ::}, which reach this machine), {@code multicast}. The default protected set
 * is loopback, link-local, metadata, self.
 */
final class AddressClasses {

    static final List<String> NAMES = List.of("loopback", "link-local", "metadata", "private", "self", "multicast");
    static final List<String> PROTECTED_BY_DEFAULT = List.of("loopback", "link-local", "metadata", "self");

    /**
     * Documented by the clouds: AWS IMDS 169.254.169.254 and fd00:ec2::254, ECS task metadata 169.254.170.2, EKS Pod
     * Identity 169.254.170.23 and fd00:ec2::23, Amazon DNS 169.254.169.253 and fd00:ec2::253, Amazon Time Sync
     * 169.254.169.123 and fd00:ec2::123; GCP metadata.google.internal (169.254.169.254, fd20:ce::254); Azure IMDS
     * 169.254.169.254 and WireServer 168.63.129.16; Alibaba 100.100.100.200; Oracle 169.254.169.254 and 192.0.0.192;
     * Tencent 169.254.0.23 (metadata.tencentyun.com); DigitalOcean, Hetzner, OpenStack 169.254.169.254. Names are here
     * for an outbound proxy that resolves names: with the server resolving, the addresses decide.
     */
    private static final String[] METADATA = {"169.254.169.254/32", "169.254.170.2/32", "169.254.170.23/32",
        "169.254.169.253/32", "169.254.169.123/32", "169.254.0.23/32", "168.63.129.16/32", "100.100.100.200/32",
        "192.0.0.192/32", "fd00:ec2::254/128", "fd00:ec2::253/128", "fd00:ec2::123/128", "fd00:ec2::23/128",
        "fd20:ce::254/128", "metadata", "metadata.google.internal", "metadata.goog", "metadata.tencentyun.com",
        "instance-data", "instance-data.ec2.internal"};

    private AddressClasses() {
    }

    /** The class called {@code name}, or null if it is not a class name. */
    static HostMatcher byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "loopback" -> of("loopback", "127.0.0.0/8", "::1/128", "localhost", "*.localhost");
            case "link-local" -> of("link-local", "169.254.0.0/16", "fe80::/10");
            case "metadata" -> of("metadata", METADATA);
            case "private" -> of("private", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                    "fc00::/7");
            case "multicast" -> of("multicast", "224.0.0.0/4", "ff00::/8");
            case "self" -> new HostMatcher.AnyOf("self", List.of(HostMatcher.parse("0.0.0.0/8"), new SelfMatcher()));
            default -> null;
        };
    }

    private static HostMatcher of(String name, String... parts) {
        List<HostMatcher> ms = new ArrayList<>();
        for (String p : parts) {
            // names as patterns: "metadata" is a class name as well as a host name
            ms.add(p.indexOf('/') >= 0 ? HostMatcher.parse(p) : new HostMatcher.Pattern(p));
        }
        return new HostMatcher.AnyOf(name, List.copyOf(ms));
    }

    /**
     * The server's own addresses: the unspecified address, broadcast, and every interface address (also as the IPv4
     * address an IPv6 one carries), re-read at most every 30 s (interfaces come and go).
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
            List<InetAddress> own = ownAddresses();
            InetAddress v4 = EmbeddedIpv4.of(address);
            return own.contains(address) || (v4 != null && (own.contains(v4) || v4.isAnyLocalAddress()));
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
