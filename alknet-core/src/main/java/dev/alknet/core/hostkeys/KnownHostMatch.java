package dev.alknet.core.hostkeys;

import java.util.Locale;
import org.apache.sshd.client.config.hosts.KnownHostEntry;

/**
 * Whether a known_hosts entry names a host, as OpenSSH decides it: the first field is a comma-separated list of
 * globs ({@code *}, {@code ?}), a {@code !} in front negates, and a port other than 22 is looked up as
 * {@code [host]:port}. Hashed entries are compared by MINA (a digest, no pattern).
 *
 * <p>Why not {@link KnownHostEntry#isHostMatch}: MINA turns each glob into a backtracking regular expression,
 * and a line with many wildcards (found by fuzzing: 80 {@code *} in a row) takes exponential time to fail to
 * match, hanging every connect. This matcher is O(pattern x host) whatever the line says.
 */
public final class KnownHostMatch {

    private KnownHostMatch() {
    }

    public static boolean matches(KnownHostEntry entry, String host, int port) {
        if (entry.getHashedEntry() != null) {
            return entry.isHostMatch(host, port);
        }
        String line = entry.getConfigLine();
        if (line == null) {
            return false;
        }
        String[] fields = line.strip().split("\\s+", 3);
        // "@revoked host key": the host patterns follow the marker
        String patterns = fields[0].startsWith("@") ? (fields.length > 1 ? fields[1] : "") : fields[0];
        return matches(patterns, host, port);
    }

    /** {@code patterns}: the host field of a line, e.g. {@code example.com,10.0.0.1,!bad.example.com}. */
    static boolean matches(String patterns, String host, int port) {
        String name = KnownHostsLine.hostPattern(host, port).toLowerCase(Locale.ROOT);
        boolean matched = false;
        for (String p : patterns.toLowerCase(Locale.ROOT).split(",")) {
            boolean negated = p.startsWith("!");
            String glob = negated ? p.substring(1) : p;
            if (!glob.isEmpty() && glob(glob, name)) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    /** {@code *} any run, {@code ?} one character; the greedy walk that backs up to the last star only. */
    static boolean glob(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
