package dev.alknet.transport.proxy;

import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * An upstream proxy the client dials through ({@code --via}): {@code socks5://[user:pass@]host:port} or
 * {@code http://[user:pass@]host:port} (HTTP {@code CONNECT}). The target name is passed to the proxy
 * unresolved, so the proxy does the DNS lookup. User and password may be percent-encoded.
 */
public record ViaProxy(Kind kind, String host, int port, String username, String password) {

    public enum Kind {
        SOCKS5("socks5"), HTTP("http");

        private final String scheme;

        Kind(String scheme) {
            this.scheme = scheme;
        }

        public String scheme() {
            return scheme;
        }
    }

    public ViaProxy {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("proxy host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy port " + port + " out of range (1-65535)");
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("proxy user and password go together");
        }
    }

    /** Parses a {@code --via} URL; every mistake is an {@link IllegalArgumentException} with a one-line message. */
    public static ViaProxy parse(String url) {
        return parse(url, "--via");
    }

    /** As {@link #parse(String)}; messages name {@code flag} (e.g. {@code --outbound-proxy}). */
    public static ViaProxy parse(String url, String flag) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(flag + " is empty (expected socks5://[user:pass@]host:port or "
                    + "http://[user:pass@]host:port)");
        }
        String s = url.trim();
        int sep = s.indexOf("://");
        if (sep < 0) {
            throw bad(flag, url, "missing scheme");
        }
        String scheme = s.substring(0, sep).toLowerCase(Locale.ROOT);
        Kind kind = switch (scheme) {
            case "socks5", "socks5h" -> Kind.SOCKS5;
            case "http" -> Kind.HTTP;
            default -> throw bad(flag, url, "unsupported proxy scheme '" + scheme + "'");
        };
        String rest = s.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.indexOf('/') >= 0 || rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
            throw bad(flag, url, "a proxy URL has no path or query");
        }
        String user = null;
        String pass = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw bad(flag, url, "credentials must be user:password");
            }
            user = decode(flag, url, userInfo.substring(0, colon));
            pass = decode(flag, url, userInfo.substring(colon + 1));
            if (user.isEmpty()) {
                throw bad(flag, url, "empty user name");
            }
        }
        String host;
        String portText;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw bad(flag, url, "unclosed '[' in IPv6 address");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.startsWith(":")) {
                throw bad(flag, url, "missing port");
            }
            portText = after.substring(1);
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon < 0) {
                throw bad(flag, url, "missing port");
            }
            host = rest.substring(0, colon);
            portText = rest.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw bad(flag, url, "IPv6 addresses go in brackets, e.g. [::1]:1080");
            }
        }
        if (host.isEmpty()) {
            throw bad(flag, url, "missing host");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw bad(flag, url, "bad port '" + portText + "'");
        }
        if (port < 1 || port > 65535) {
            throw bad(flag, url, "port " + port + " out of range (1-65535)");
        }
        return new ViaProxy(kind, host, port, user, pass);
    }

    /** The Netty handler that talks to this proxy at {@code resolvedProxy}; goes first in the pipeline. */
    public ProxyHandler newHandler(InetSocketAddress resolvedProxy, long timeoutMillis) {
        ProxyHandler h = switch (kind) {
            case SOCKS5 -> username == null ? new Socks5ProxyHandler(resolvedProxy)
                    : new Socks5ProxyHandler(resolvedProxy, username, password);
            case HTTP -> username == null ? new HttpProxyHandler(resolvedProxy)
                    : new HttpProxyHandler(resolvedProxy, username, password);
        };
        h.setConnectTimeoutMillis(timeoutMillis);
        return h;
    }

    /** {@code scheme://[user@]host:port}: never shows the password. */
    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return kind.scheme() + "://" + (username == null ? "" : username + "@") + h + ":" + port;
    }

    private static IllegalArgumentException bad(String flag, String url, String why) {
        return new IllegalArgumentException("bad " + flag + " '" + redact(url) + "': " + why
                + " (expected socks5://[user:pass@]host:port or http://[user:pass@]host:port)");
    }

    private static String redact(String url) {
        int sep = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (sep < 0 || at < sep) {
            return url;
        }
        String userInfo = url.substring(sep + 3, at);
        int colon = userInfo.indexOf(':');
        return colon < 0 ? url : url.substring(0, sep + 3) + userInfo.substring(0, colon) + ":***" + url.substring(at);
    }

    private static String decode(String flag, String url, String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw bad(flag, url, "bad percent-encoding in credentials");
                }
                out.write(hi << 4 | lo);
                i += 3;
            } else {
                int j = s.indexOf('%', i);
                j = j < 0 ? s.length() : j;
                byte[] b = s.substring(i, j).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i = j;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
