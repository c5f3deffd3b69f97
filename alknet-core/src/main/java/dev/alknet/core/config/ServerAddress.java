package dev.alknet.core.config;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.ws.WsOptions;
import java.util.Locale;
import java.util.Set;

/**
 * A server address as users write it: {@code scheme://[user@]host[:port]}, IPv6 literals in brackets; ws and wss
 * may add the Upgrade's path ({@code wss://example.com/assets/socket}, default {@code /}).
 * Also used for listen addresses ({@code tcp://:2222} means every local address).
 */
public record ServerAddress(String scheme, String user, String host, int port, String path) {

    public static final String DEFAULT_USER = "alknet";
    private static final Set<String> SCHEMES = Set.of("tcp", "tls", "quic", "ws", "wss");

    public ServerAddress {
        if (path != null && !isWs(scheme)) {
            throw new IllegalArgumentException(scheme + " addresses take no path");
        }
        if (isWs(scheme)) {
            path = WsOptions.checkPath(path == null ? "/" : path);
        }
    }

    /** An address without a path (ws and wss: {@code /}). */
    public ServerAddress(String scheme, String user, String host, int port) {
        this(scheme, user, host, port, null);
    }

    /** Whether {@code scheme} is ws or wss, whose addresses carry a path. */
    public static boolean isWs(String scheme) {
        return "ws".equals(scheme) || "wss".equals(scheme);
    }

    public static ServerAddress parse(String text, boolean listening) {
        String s = text.trim();
        int sep = s.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("address '" + text + "' needs a scheme, e.g. tcp://host:port");
        }
        String scheme = s.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("unknown transport '" + scheme + "' in '" + text
                    + "' (expected tcp, tls, quic, ws or wss)");
        }
        String rest = s.substring(sep + 3);
        String path = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash);
            rest = rest.substring(0, slash);
            if (path.equals("/")) {
                path = null;
            } else if (!isWs(scheme)) {
                throw new IllegalArgumentException("address '" + text + "': only ws and wss addresses take a path");
            }
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
        return new ServerAddress(scheme, user, hp.host(), hp.port(), path);
    }

    public static int defaultPort(String scheme) {
        return switch (scheme) {
            case "tcp" -> 22;
            case "ws" -> 80;
            default -> 443;
        };
    }

    public Endpoint endpoint() {
        return new Endpoint(scheme, host, port);
    }

    @Override
    public String toString() {
        return scheme + "://" + (DEFAULT_USER.equals(user) ? "" : user + "@") + endpoint().hostPort()
                + (path == null || path.equals("/") ? "" : path);
    }
}
