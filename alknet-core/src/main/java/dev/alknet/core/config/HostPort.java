package dev.alknet.core.config;

/** {@code host:port}, {@code [v6]:port}, {@code :port} or a bare host; the parsing shared by every address flag. */
public record HostPort(String host, int port) {

    /**
     * @param defaultPort used when no port is given; -1 makes the port mandatory
     * @param allowEmptyHost whether {@code :port} (every address) is accepted
     * @param original the user's text, named in error messages
     */
    public static HostPort parse(String text, int defaultPort, boolean allowEmptyHost, String original) {
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in '" + original + "'");
            }
            host = text.substring(1, close);
            String tail = text.substring(close + 1);
            if (!tail.isEmpty()) {
                if (!tail.startsWith(":")) {
                    throw new IllegalArgumentException("unexpected '" + tail + "' after ']' in '" + original + "'");
                }
                port = tail.substring(1);
            }
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException("'" + host + "' in brackets is not an IPv6 address in '"
                        + original + "'");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon >= 0 && text.indexOf(':') != colon) {
                throw new IllegalArgumentException("IPv6 address needs brackets, e.g. [::1]:22, in '"
                        + original + "'");
            }
            host = colon >= 0 ? text.substring(0, colon) : text;
            port = colon >= 0 ? text.substring(colon + 1) : null;
        }
        if (host.isEmpty() && !allowEmptyHost) {
            throw new IllegalArgumentException("no host in '" + original + "'");
        }
        return new HostPort(host, parsePort(port, defaultPort, original));
    }

    private static int parsePort(String port, int defaultPort, String original) {
        if (port == null || port.isEmpty()) {
            if (defaultPort < 0) {
                throw new IllegalArgumentException("no port in '" + original + "'");
            }
            return defaultPort;
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port '" + port + "' in '" + original + "' (expected 0-65535)");
        }
    }

    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
