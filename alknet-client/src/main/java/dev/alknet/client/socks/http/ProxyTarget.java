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
        HostPort hp = hostPort(target, -1);
        return new ProxyTarget(hp.host, hp.port, null);
    }

    /** An absolute {@code http://} URI of a request to forward. */
    public static ProxyTarget absolute(String uri) throws HttpProxyException {
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

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
