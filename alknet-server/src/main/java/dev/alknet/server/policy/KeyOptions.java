package dev.alknet.server.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The authorized_keys options alknet honours for one key (sshd(8) AUTHORIZED_KEYS FILE FORMAT): {@code permitopen},
 * {@code permitlisten}, {@code from}, {@code restrict}, {@code no-port-forwarding} / {@code port-forwarding},
 * {@code cert-authority}, {@code principals} and {@code expiry-time}. Options about what a forward-only server never
 * offers (shell, pty, agent, X11, tun: {@code command}, {@code no-pty}, ...) are accepted and have nothing to act on.
 * Any other option, misspelled or unimplemented ({@code verify-required}), refuses the line: it could mean the
 * operator expects a restriction we would not enforce.
 *
 * @param expiry {@code expiry-time}: the key is refused after this instant; null if none
 */
record KeyOptions(boolean certAuthority, boolean portForwarding, List<HostPort> permitOpen, List<HostPort> permitListen,
        PatternList from, List<String> principals, Instant expiry) {

    static final KeyOptions NONE = new KeyOptions(false, true, List.of(), List.of(), null, List.of(), null);

    /** The options {@link #of} acts on. */
    private static final Set<String> IMPLEMENTED = caseless("cert-authority", "principals", "from", "permitopen",
            "permitlisten", "port-forwarding", "no-port-forwarding", "restrict", "expiry-time");
    /** Options about sessions, agent, X11, pty or tun devices, none of which a forward-only server has. */
    private static final Set<String> NOTHING_TO_ACT_ON = caseless("command", "environment", "no-pty", "pty",
            "no-agent-forwarding", "agent-forwarding", "no-X11-forwarding", "X11-forwarding", "no-user-rc", "user-rc",
            "tunnel");

    /** {@code host:port} of permitopen/permitlisten; {@code *} host or port is a wildcard, null host is any. */
    record HostPort(String host, int port) {
        static final int ANY_PORT = -1;

        static HostPort parse(String option, String text, boolean hostOptional) {
            String t = text.trim();
            String host;
            String port;
            if (t.startsWith("[")) {
                int close = t.indexOf("]:");
                if (close < 0) {
                    throw new IllegalArgumentException(option + "=\"" + text + "\": expected [IPv6]:port");
                }
                host = t.substring(1, close);
                port = t.substring(close + 2);
            } else {
                int colon = t.lastIndexOf(':');
                if (colon < 0 && !hostOptional) {
                    throw new IllegalArgumentException(option + "=\"" + text + "\": expected host:port");
                }
                host = colon < 0 ? null : t.substring(0, colon);
                port = t.substring(colon + 1);
            }
            int p;
            if (port.equals("*")) {
                p = ANY_PORT;
            } else {
                try {
                    p = Integer.parseInt(port);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(option + "=\"" + text + "\": bad port '" + port + "'");
                }
                if (p < 0 || p > 65535) {
                    throw new IllegalArgumentException(option + "=\"" + text + "\": port out of range");
                }
            }
            return new HostPort(host == null || host.equals("*") ? null : host.toLowerCase(Locale.ROOT), p);
        }

        /** OpenSSH compares the host literally (no patterns, no lookups), case-insensitively. */
        boolean matches(String h, int p) {
            return (port == ANY_PORT || port == p) && (host == null || host.equalsIgnoreCase(unbracket(h)));
        }

        private static String unbracket(String h) {
            return h.length() > 1 && h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        }
    }

    /** From MINA's parsed login options (repeated options arrive joined with ','). */
    static KeyOptions of(Map<String, String> loginOptions) {
        Map<String, String> o = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (loginOptions != null) {
            o.putAll(loginOptions);
        }
        for (String name : o.keySet()) {
            if (!IMPLEMENTED.contains(name) && !NOTHING_TO_ACT_ON.contains(name)) {
                throw new IllegalArgumentException("unknown or unsupported option '" + name + "' (the line is refused;"
                        + " see docs/operator-guide.md, authorized_keys options)");
            }
        }
        boolean restrict = o.containsKey("restrict");
        boolean forwarding = !restrict;
        if (o.containsKey("no-port-forwarding")) {
            forwarding = false;
        }
        if (o.containsKey("port-forwarding")) {
            forwarding = true; // OpenSSH: re-enables what restrict turned off
        }
        List<HostPort> open = list(o.get("permitopen"), "permitopen", false);
        List<HostPort> listen = list(o.get("permitlisten"), "permitlisten", true);
        PatternList from = o.containsKey("from") ? PatternList.parse(o.get("from")) : null;
        List<String> principals = new ArrayList<>();
        if (o.containsKey("principals")) {
            for (String p : o.get("principals").split(",")) {
                if (!p.isBlank()) {
                    principals.add(p.trim());
                }
            }
        }
        Instant expiry = o.containsKey("expiry-time") ? ExpiryTime.earliest(o.get("expiry-time")) : null;
        return new KeyOptions(o.containsKey("cert-authority"), forwarding, open, listen, from, List.copyOf(principals),
                expiry);
    }

    /** The same grant without port forwarding (a certificate without {@code permit-port-forwarding}). */
    KeyOptions withoutPortForwarding() {
        return new KeyOptions(certAuthority, false, permitOpen, permitListen, from, principals, expiry);
    }

    /** {@code expiry-time} has passed: sshd refuses the key once the time is strictly after it. */
    boolean expiredAt(Instant now) {
        return expiry != null && now.isAfter(expiry);
    }

    private static Set<String> caseless(String... names) {
        Set<String> s = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        s.addAll(List.of(names));
        return s;
    }

    private static List<HostPort> list(String joined, String option, boolean hostOptional) {
        if (joined == null) {
            return List.of();
        }
        List<HostPort> out = new ArrayList<>();
        for (String item : joined.split(",")) {
            if (!item.isBlank()) {
                out.add(HostPort.parse(option, item, hostOptional));
            }
        }
        return List.copyOf(out);
    }

    boolean permitsOpen(String host, int port) {
        return permitOpen.isEmpty() || permitOpen.stream().anyMatch(h -> h.matches(host, port));
    }

    boolean namesOpen(String host, int port) {
        return openNamed(host, port) != null;
    }

    /**
     * The host of a permitopen that matches {@code host:port}, preferring one that names its host; "" if only a
     * {@code *} host matches, null if none does.
     */
    String openNamed(String host, int port) {
        String found = null;
        for (HostPort h : permitOpen) {
            if (h.matches(host, port)) {
                if (h.host() != null) {
                    return h.host();
                }
                found = "";
            }
        }
        return found;
    }

    /**
     * Whether a permitlisten names this port itself (not {@code *}), as a listener on a privileged port (below 1024)
     * needs.
     */
    boolean namesListenPort(String host, int port) {
        return permitListen.stream().anyMatch(h -> h.port() == port && h.matches(host, port));
    }

    boolean permitsListen(String host, int port) {
        return permitListen.isEmpty() || permitListen.stream().anyMatch(h -> h.matches(host, port));
    }
}
