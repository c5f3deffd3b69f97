package dev.alknet.transport.ws;

import java.util.Objects;

/**
 * The HTTP side of a ws/wss stream: the request path of the Upgrade, and (client) the {@code Host} header sent,
 * which a CDN routes by; null means the host of the address dialled.
 *
 * @param path starts with {@code /}; printable ASCII without spaces; {@code /} when the address names none
 * @param host {@code Host} header (client only), or null
 */
public record WsOptions(String path, String host) {

    public static final WsOptions DEFAULT = new WsOptions("/", null);

    public WsOptions {
        Objects.requireNonNull(path, "path");
        checkPath(path);
        if (host != null && (host.isEmpty() || !printable(host, false))) {
            throw new IllegalArgumentException("WebSocket host '" + host + "' is not a host name");
        }
    }

    /** @throws IllegalArgumentException unless {@code path} can stand in a request line as is */
    public static String checkPath(String path) {
        if (!path.startsWith("/") || !printable(path, false) || path.indexOf('#') >= 0) {
            throw new IllegalArgumentException("WebSocket path '" + path
                    + "' must start with / and be printable ASCII without spaces");
        }
        return path;
    }

    /** Whether a request target ({@code /a/b?x}) names {@code path}: the same path, any query (unless it names one). */
    public static boolean matches(String requestTarget, String path) {
        if (path.indexOf('?') >= 0) {
            return requestTarget.equals(path);
        }
        int q = requestTarget.indexOf('?');
        String p = q >= 0 ? requestTarget.substring(0, q) : requestTarget;
        return p.equals(path);
    }

    private static boolean printable(String s, boolean spaces) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7e || c < (spaces ? 0x20 : 0x21)) {
                return false;
            }
        }
        return true;
    }
}
