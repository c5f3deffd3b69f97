package dev.alknet.client.forward;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code -L} or {@code -R} forward in OpenSSH syntax, {@code [bind_address:]port:host:hostport}:
 * <pre>
 *   8080:db.internal:5432          listen on loopback port 8080, forward to db.internal:5432
 *   0.0.0.0:8080:localhost:80      listen on every IPv4 interface
 *   *:8080:localhost:80            listen on every interface (so does an empty bind address)
 *   [::1]:8080:[2001:db8::5]:80    IPv6 addresses go in brackets
 * </pre>
 * A {@code -R} may also be dynamic, {@code [bind_address:]port} without a target (as OpenSSH 7.6+ {@code ssh -R 1080}):
 * the server listens as for any {@code -R}, and each connection is a proxy request (SOCKS5, SOCKS4a, HTTP) that this
 * client dials itself ({@link #parseRemote}).
 *
 * @param bindHost   null if not given (loopback), "" for every interface, else as written without brackets
 * @param bindPort   0-65535; 0 lets the listening side pick a port
 * @param targetHost name or address as written, without brackets; resolved by the side that dials it; null for a
 *                   dynamic {@code -R}
 * @param targetPort 1-65535; 0 for a dynamic {@code -R}
 */
public record ForwardSpec(String bindHost, int bindPort, String targetHost, int targetPort) {

    static final String SYNTAX = "[bind_address:]port:host:hostport";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern BRACKETED = Pattern.compile("[A-Za-z0-9._:%-]+");

    public ForwardSpec {
        if (bindPort < 0 || bindPort > 65535) {
            throw new IllegalArgumentException("listen port: " + bindPort + " (expected: 0-65535)");
        }
        boolean dynamic = targetHost == null && targetPort == 0;
        if (!dynamic && (targetPort < 1 || targetPort > 65535)) {
            throw new IllegalArgumentException("target port: " + targetPort + " (expected: 1-65535)");
        }
        if (!dynamic && (targetHost == null || targetHost.isEmpty())) {
            throw new IllegalArgumentException("no target host");
        }
    }

    /** Parses OpenSSH's forward syntax; the exception names the part that is wrong. */
    public static ForwardSpec parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new ForwardSpecException(String.valueOf(text), "empty (expected " + SYNTAX + ")");
        }
        List<Part> parts = split(text);
        if (parts.size() > 4) {
            throw new ForwardSpecException(text, "too many ':' (expected " + SYNTAX
                    + "; IPv6 addresses go in brackets, e.g. [::1]:8080:[::1]:80)");
        }
        if (parts.size() < 3) {
            throw new ForwardSpecException(text, "expected " + SYNTAX + ", e.g. 8080:localhost:80");
        }
        int i = 0;
        String bind = null;
        if (parts.size() == 4) {
            bind = bindHost(text, parts.get(i++));
        }
        int port = port(text, parts.get(i++), "listen port", 0);
        String host = host(text, parts.get(i++), "target host");
        int hostPort = port(text, parts.get(i), "target port", 1);
        return new ForwardSpec(bind, port, host, hostPort);
    }

    /** A {@code -R} value: as {@link #parse}, or dynamic, {@code [bind_address:]port} (no target). */
    public static ForwardSpec parseRemote(String text) {
        List<Part> parts = text == null || text.isEmpty() ? List.of() : split(text);
        if (parts.isEmpty() || parts.size() > 2) {
            return parse(text);
        }
        String bind = parts.size() == 2 ? bindHost(text, parts.get(0)) : null;
        return new ForwardSpec(bind, port(text, parts.get(parts.size() - 1), "listen port", 0), null, 0);
    }

    /** A dynamic {@code -R}: no target, each connection names its own. */
    public boolean dynamic() {
        return targetHost == null;
    }

    /** True if the bind address means every interface ({@code *} or empty). */
    public boolean bindsEverywhere() {
        return bindHost != null && bindHost.isEmpty();
    }

    /** The canonical text: parses back to an equal spec. */
    @Override
    public String toString() {
        String bind = bindHost == null ? "" : (bindHost.isEmpty() ? "*" : bracket(bindHost)) + ":";
        return dynamic() ? bind + bindPort : bind + bindPort + ":" + bracket(targetHost) + ":" + targetPort;
    }

    /** Brackets whatever only parses in brackets (IPv6, a zone id), so that the text parses back. */
    static String bracket(String host) {
        return NAME.matcher(host).matches() ? host : "[" + host + "]";
    }

    private record Part(String text, boolean bracketed) {
    }

    /** Splits on ':' outside brackets; a bracketed part must be the whole part. */
    private static List<Part> split(String text) {
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (true) {
            if (i < text.length() && text.charAt(i) == '[') {
                int close = text.indexOf(']', i);
                if (close < 0) {
                    throw new ForwardSpecException(text, "missing ']' after '" + text.substring(i) + "'");
                }
                parts.add(new Part(text.substring(i + 1, close), true));
                i = close + 1;
                if (i < text.length() && text.charAt(i) != ':') {
                    throw new ForwardSpecException(text, "unexpected '" + text.substring(i) + "' after ']'");
                }
            } else {
                int colon = text.indexOf(':', i);
                int end = colon < 0 ? text.length() : colon;
                String part = text.substring(i, end);
                if (part.indexOf('[') >= 0 || part.indexOf(']') >= 0) {
                    throw new ForwardSpecException(text, "stray bracket in '" + part
                            + "' (brackets go around a whole address, e.g. [::1])");
                }
                parts.add(new Part(part, false));
                i = end;
            }
            if (i >= text.length()) {
                return parts;
            }
            i++; // the ':'
            if (i == text.length()) {
                parts.add(new Part("", false));
                return parts;
            }
        }
    }

    private static String bindHost(String text, Part p) {
        if (!p.bracketed() && (p.text().isEmpty() || p.text().equals("*"))) {
            return "";
        }
        return checkedHost(text, p, "bind address");
    }

    private static String host(String text, Part p, String what) {
        if (p.text().isEmpty()) {
            throw new ForwardSpecException(text, "no " + what);
        }
        return checkedHost(text, p, what);
    }

    private static String checkedHost(String text, Part p, String what) {
        String h = p.text();
        if (h.isEmpty() || !(p.bracketed() ? BRACKETED : NAME).matcher(h).matches()) {
            throw new ForwardSpecException(text, what + " '" + h + "' is not a host name or address");
        }
        return h;
    }

    private static int port(String text, Part p, String what, int min) {
        String range = "(expected " + min + "-65535)";
        if (p.bracketed() || p.text().isEmpty()) {
            throw new ForwardSpecException(text, (p.text().isEmpty() ? "no " + what : what + " '[" + p.text() + "]'")
                    + " " + range);
        }
        try {
            int v = Integer.parseInt(p.text());
            if (v >= min && v <= 65535 && p.text().charAt(0) != '+') {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ForwardSpecException(text, what + " '" + p.text() + "' is not a port " + range);
    }
}
