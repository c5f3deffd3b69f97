package dev.alknet.server.policy;

import java.net.InetAddress;

/**
 * One {@code --allow}/{@code --deny} destination: {@code HOST[:PORTS]}, {@code [IPv6 or CIDR]:PORTS}, or {@code :PORTS}
 * for any host. HOST is a name pattern ({@code *.example.com}), an IP, a CIDR block or an address class
 * ({@code loopback}, {@code link-local}, {@code private}, {@code self}, {@code multicast}); {@code *} is any host.
 * PORTS is a port, a range {@code 8000-8099} or {@code *}; omitted means every port.
 */
record DestinationRule(String text, HostMatcher host, int portLow, int portHigh) {

    static DestinationRule parse(String dest) {
        if (dest == null || dest.isBlank()) {
            throw new IllegalArgumentException("empty destination (expected HOST[:PORTS], e.g. 10.0.0.0/8:22)");
        }
        String t = dest.trim();
        String hostPart;
        String portPart = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw bad(dest, "unclosed '['");
            }
            hostPart = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(dest, "expected ':' after ']'");
                }
                portPart = rest.substring(1);
            }
        } else {
            int colon = t.lastIndexOf(':');
            if (colon >= 0 && t.indexOf(':') != colon) {
                hostPart = t; // bare IPv6 (or IPv6 CIDR) without port
            } else if (colon >= 0) {
                hostPart = t.substring(0, colon);
                portPart = t.substring(colon + 1);
            } else {
                hostPart = t;
            }
        }
        HostMatcher host = hostPart.isEmpty() || hostPart.equals("*") ? null : parseHost(dest, hostPart);
        int low = 1;
        int high = 65535;
        if (portPart != null && !portPart.equals("*")) {
            int dash = portPart.indexOf('-');
            low = port(dest, dash < 0 ? portPart : portPart.substring(0, dash));
            high = dash < 0 ? low : port(dest, portPart.substring(dash + 1));
            if (high < low) {
                throw bad(dest, "port range runs backwards");
            }
        }
        return new DestinationRule(t, host, low, high);
    }

    /** Does this rule match? {@code address} null means not resolved (yet). */
    Match match(String name, InetAddress address, int port, boolean addressComesLater) {
        if (port < portLow || port > portHigh) {
            return Match.NO;
        }
        if (host == null || host.matches(name, address)) {
            return Match.YES;
        }
        return address == null && addressComesLater && host.usesAddress() ? Match.MAYBE : Match.NO;
    }

    private static HostMatcher parseHost(String dest, String h) {
        try {
            return HostMatcher.parse(h);
        } catch (IllegalArgumentException e) {
            throw bad(dest, e.getMessage());
        }
    }

    private static int port(String dest, String p) {
        try {
            int n = Integer.parseInt(p);
            if (n < 1 || n > 65535) {
                throw bad(dest, "port " + n + " out of range (1-65535)");
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad(dest, "bad port '" + p + "'");
        }
    }

    private static IllegalArgumentException bad(String dest, String why) {
        return new IllegalArgumentException("bad destination '" + dest + "': " + why
                + " (expected HOST[:PORTS], [IPv6]:PORTS or :PORTS; HOST a name pattern, IP, CIDR or loopback,"
                + " link-local, private, self, multicast)");
    }

    @Override
    public String toString() {
        return text;
    }
}
