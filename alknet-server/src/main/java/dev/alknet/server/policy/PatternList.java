package dev.alknet.server.policy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenSSH pattern-list as in {@code from="..."}: comma-separated host patterns (wildcards, IPs, CIDR blocks), each
 * optionally negated with {@code !}. A negated match rejects outright; otherwise some positive entry must match.
 * Matched against the client's address (and its text); alknet does no reverse DNS, so name patterns never match a
 * hostname (as OpenSSH with {@code UseDNS no}).
 */
record PatternList(String text, List<HostMatcher> positive, List<HostMatcher> negative) {

    static PatternList parse(String text) {
        List<HostMatcher> pos = new ArrayList<>();
        List<HostMatcher> neg = new ArrayList<>();
        for (String raw : text.split(",")) {
            String p = raw.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (p.startsWith("!")) {
                neg.add(HostMatcher.parse(p.substring(1)));
            } else {
                pos.add(HostMatcher.parse(p));
            }
        }
        if (pos.isEmpty() && neg.isEmpty()) {
            throw new IllegalArgumentException("empty pattern list");
        }
        return new PatternList(text, List.copyOf(pos), List.copyOf(neg));
    }

    boolean matches(InetAddress address) {
        for (HostMatcher m : negative) {
            if (m.matches(null, address)) {
                return false;
            }
        }
        for (HostMatcher m : positive) {
            if (m.matches(null, address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
