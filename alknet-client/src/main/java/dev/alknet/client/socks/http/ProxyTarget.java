package dev.alknet.client.socks.http;

import io.netty.util.NetUtil;
import java.util.Locale;

/**
 * Where an HTTP proxy request goes: {@code host:port} of a CONNECT (authority-form) or of an {@code http://}
 * URI (absolute-form, port 80 by default) with the path to send to the origin. IPv6 literals come in brackets
 * and leave without them. Pure functions.
 *
 * @param pathAndQuery origin-form target for a forwarded request ({@code /} at least); null for CONNECT
 */
public record ProxyTarget(String host, int port, String pathAndQuery) {

    /** {@code host:port} of a CONNECT request. */
    public static ProxyTarget authority(String target) throws HttpProxyException {
        requireVisibleAscii(target);
        HostPort hp = hostPort(target, -1);
        return new ProxyTarget(hp.host, hp.port, null);
    }

    /** An absolute {@code http://} URI of a request to forward. */
    public static ProxyTarget absolute(String uri) throws HttpProxyException {
        requireVisibleAscii(uri);
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            throw new HttpProxyException(400, "https:// URLs must be tunnelled with CONNECT");
        }
        if (!lower.startsWith("http://")) {
            throw new HttpProxyException(400, "this is a proxy: the request target must be an absolute http:// URI");
        }
        String rest = uri.substring("http://".length());
        int pathAt = indexOfAny(rest, "/?#");
        String authority = pathAt < 0 ? rest : rest.substring(0, pathAt);
        String path = pathAt < 0 ? "/" : rest.substring(pathAt);
        int fragment = path.indexOf('#');
        if (fragment >= 0) {
            path = path.substring(0, fragment);
        }
        if (path.isEmpty() || path.charAt(0) != '/') {
            path = "/" + path;
        }
        if (authority.indexOf('@') >= 0) {
            throw new HttpProxyException(400, "user information in the URI is not allowed");
        }
        HostPort hp = hostPort(authority, 80);
        return new ProxyTarget(hp.host, hp.port, path);
    }

    /**
     * Refuses a request whose {@code Host} fields contradict this target: more than one, or one naming another
     * host or port (RFC 9112 §3.2 says to ignore it; refusing is safer where an origin or a filter behind us might
     * believe the field instead of the URI).
     */
    public void checkHostFields(HttpHead head) throws HttpProxyException {
        String value = null;
        for (HttpHead.Header h : head.headers()) {
            if (h.name().equalsIgnoreCase("Host")) {
                if (value != null) {
                    throw new HttpProxyException(400, "more than one Host field");
                }
                value = h.value();
            }
        }
        if (value == null) {
            return;
        }
        HostPort given;
        try {
            requireVisibleAscii(value);
            given = hostPort(value, 80);
        } catch (HttpProxyException e) {
            throw new HttpProxyException(400, "Host field does not match the request target");
        }
        if (!given.host.equalsIgnoreCase(host) || given.port != port) {
            throw new HttpProxyException(400, "Host field does not match the request target");
        }
    }

    /** The authority as a Host header value: default port left out, IPv6 in brackets. */
    public String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == 80 ? h : h + ":" + port;
    }

    private record HostPort(String host, int port) {
    }

    private static HostPort hostPort(String authority, int defaultPort) throws HttpProxyException {
        String host;
        String portText;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new HttpProxyException(400, "unclosed [ in " + authority);
            }
            host = authority.substring(1, close);
            if (!NetUtil.isValidIpV6Address(host)) {
                throw new HttpProxyException(400, "not an IPv6 address: " + host);
            }
            String after = authority.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw new HttpProxyException(400, "malformed authority " + authority);
            }
            portText = after.isEmpty() ? null : after.substring(1);
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0 && authority.indexOf(':') != colon) {
                throw new HttpProxyException(400, "IPv6 addresses must be in brackets: " + authority);
            }
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty() || host.length() > 255) {
            throw new HttpProxyException(400, "no host in " + authority);
        }
        if (!authority.startsWith("[") && !host.chars().allMatch(ProxyTarget::isHostChar)) {
            throw new HttpProxyException(400, "not a host name: " + host);
        }
        int port = portText == null || portText.isEmpty() ? defaultPort : parsePort(portText);
        if (port < 1) {
            throw new HttpProxyException(400, "no port in " + authority);
        }
        return new HostPort(host, port);
    }

    private static int parsePort(String s) throws HttpProxyException {
        if (s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpProxyException(400, "bad port " + s);
        }
        int p = Integer.parseInt(s);
        if (p < 1 || p > 65535) {
            throw new HttpProxyException(400, "bad port " + s);
        }
        return p;
    }

    /** Letters, digits, {@code - . _}: what a DNS name or an IPv4 literal is made of. */
    private static boolean isHostChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_';
    }

    /** No spaces, tabs, controls or bytes above 0x7E: an origin splitting on them would see another request. */
    private static void requireVisibleAscii(String s) throws HttpProxyException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new HttpProxyException(400, "request target with a space, control or non-ASCII character");
            }
        }
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
