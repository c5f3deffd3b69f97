package dev.alknet.core.config;

import dev.alknet.transport.Endpoint;
import java.util.Locale;
import java.util.Set;

/**
 * A server address as users write it: {@code scheme://[user@]host[:port]}, IPv6 literals in brackets.
 * Also used for listen addresses ({@code tcp://:2222} means every local address).
 */
public record ServerAddress(String scheme, String user, String host, int port) {

    public static final String DEFAULT_USER = "alknet";
    private static final Set<String> SCHEMES = Set.of("tcp", "tls", "quic");

    public static ServerAddress parse(String text, boolean listening) {
        String s = text.trim();
        int sep = s.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("address '" + text + "' needs a scheme, e.g. tcp://host:port");
        }
        String scheme = s.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("unknown transport '" + scheme + "' in '" + text
                    + "' (expected tcp, tls or quic)");
        }
        String rest = s.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String user = DEFAULT_USER;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            if (listening) {
                throw new IllegalArgumentException("listen address '" + text + "' cannot name a user");
            }
            user = rest.substring(0, at);
            rest = rest.substring(at + 1);
            if (user.isEmpty()) {
                throw new IllegalArgumentException("empty user name in '" + text + "'");
            }
        }
        HostPort hp = HostPort.parse(rest, defaultPort(scheme), listening, text);
        if (!listening && hp.host().isEmpty()) {
            throw new IllegalArgumentException("address '" + text + "' has no host");
        }
        return new ServerAddress(scheme, user, hp.host(), hp.port());
    }

    public static int defaultPort(String scheme) {
        return "tcp".equals(scheme) ? 22 : 443;
    }

    public Endpoint endpoint() {
        return new Endpoint(scheme, host, port);
    }

    @Override
    public String toString() {
        return scheme + "://" + (DEFAULT_USER.equals(user) ? "" : user + "@") + endpoint().hostPort();
    }
}
