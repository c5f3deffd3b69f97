package dev.alknet.server.dial;

import dev.alknet.transport.proxy.ViaProxy;
import java.util.Locale;
import java.util.Objects;

/**
 * The upstream proxy every {@code direct-tcpip} egress goes through ({@code --outbound-proxy}).
 * {@code socks5h://} and {@code http://} pass names to the proxy (the server does no DNS for them, as Tor wants);
 * {@code socks5://} has the server resolve names and pass addresses.
 */
public record OutboundProxy(ViaProxy via, boolean proxyResolves) {

    public OutboundProxy {
        Objects.requireNonNull(via, "via");
    }

    /** Parses {@code socks5|socks5h|http://[user:pass@]host:port}; mistakes are one-line IllegalArgumentExceptions. */
    public static OutboundProxy parse(String url) {
        ViaProxy via = ViaProxy.parse(url, "--outbound-proxy");
        boolean plainSocks5 = url.trim().toLowerCase(Locale.ROOT).startsWith("socks5://");
        return new OutboundProxy(via, !plainSocks5);
    }

    @Override
    public String toString() {
        return via.kind() == ViaProxy.Kind.SOCKS5 && proxyResolves ? "socks5h" + via.toString().substring(6)
                : via.toString();
    }
}
