package dev.alknet.server.policy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The destinations denied unless a rule names them (by default loopback, link-local, metadata and self), and which
 * rules count as naming them. A rule opens a protected destination only if it is about protected destinations: the
 * address itself, a CIDR block that lies inside one of the protected blocks (or is a single address), one of the
 * protected classes, or a name the protected set lists ({@code localhost}, {@code metadata.google.internal}). A rule
 * for any host ({@code :80}, {@code *}, {@code 0.0.0.0/0}), for other names ({@code *.example.com}, whose DNS may
 * answer 127.0.0.1) or for a wider class ({@code private}) does not.
 */
final class ProtectedSet {

    private final List<HostMatcher> classes;
    private final List<HostMatcher.Cidr> blocks;

    ProtectedSet(List<String> classNames) {
        List<HostMatcher> cs = new ArrayList<>();
        List<HostMatcher.Cidr> bs = new ArrayList<>();
        for (String n : classNames) {
            HostMatcher m = AddressClasses.byName(n);
            if (m == null) {
                throw new IllegalArgumentException("no address class " + n);
            }
            cs.add(m);
            collectBlocks(m, bs);
        }
        this.classes = List.copyOf(cs);
        this.blocks = List.copyOf(bs);
    }

    private static void collectBlocks(HostMatcher m, List<HostMatcher.Cidr> out) {
        if (m instanceof HostMatcher.Cidr c) {
            out.add(c);
        } else if (m instanceof HostMatcher.AnyOf a) {
            for (HostMatcher p : a.parts()) {
                collectBlocks(p, out);
            }
        }
    }

    /** Whether the destination is protected; MAYBE when only its (later) address can tell. */
    Match test(String name, InetAddress address, boolean addressComesLater) {
        for (HostMatcher c : classes) {
            if (c.matches(name, address)) {
                return Match.YES;
            }
        }
        return address == null && addressComesLater ? Match.MAYBE : Match.NO;
    }

    /** Whether {@code name} is protected by name alone (localhost, a metadata name). */
    boolean protectsName(String name) {
        return name != null && test(name, null, false) == Match.YES;
    }

    /** Whether a rule with this host, which matched the destination, names it in the sense above. */
    boolean coveredBy(HostMatcher rule, String name, InetAddress address) {
        if (rule == null || !rule.matches(name, address)) {
            return false;
        }
        if (rule.className() != null) {
            return classes.stream().anyMatch(c -> rule.className().equals(c.className()));
        }
        if (rule instanceof HostMatcher.Literal) {
            return true;
        }
        if (rule instanceof HostMatcher.Cidr c) {
            return c.prefix() == c.network().length * 8 || blocks.stream().anyMatch(b -> b.contains(c));
        }
        if (rule instanceof HostMatcher.Pattern p) {
            return !p.pattern().contains("*") && !p.pattern().contains("?") && protectsName(name);
        }
        return false;
    }

    @Override
    public String toString() {
        return classes.toString();
    }
}
