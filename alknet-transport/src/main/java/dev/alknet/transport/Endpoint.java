package dev.alknet.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a transport connects to or listens on: a scheme ({@code tcp}, {@code tls}, {@code quic}), a host
 * (name or IP literal, IPv6 without brackets; empty for "all addresses" when listening) and a port.
 */
public record Endpoint(String scheme, String host, int port) {

    public Endpoint {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }

    /** An unresolved socket address: resolution is left to the transport (and so is asynchronous). */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** The address to bind to; an empty host means every local address. */
    public InetSocketAddress bindAddress() {
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** {@code host:port}, with IPv6 literals in brackets. */
    public String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + hostPort();
    }
}
