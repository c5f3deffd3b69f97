package dev.alknet.client.socks;

import dev.alknet.client.socks.auth.SocksCredentials;
import dev.alknet.transport.Cidr;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the local SOCKS listener.
 *
 * @param handshakeTimeout how long a client may take from accept to a complete request (greeting, method
 *                         negotiation and CONNECT request); a deadline, not an idle time
 * @param openTimeout      how long to wait for the SSH session and the server's answer to the channel open
 *                         before replying 0x06 (TTL expired), or 0x01 if no session came
 * @param credentials      user name and password every client must present (SOCKS5 RFC 1929, HTTP
 *                         {@code Proxy-Authorization: Basic}); null for none. With credentials SOCKS4 is refused.
 * @param udpIdleTimeout   a UDP association without a datagram in either direction for this long is ended
 */
public record SocksOptions(Duration handshakeTimeout, Duration openTimeout, SocksCredentials credentials,
        Duration udpIdleTimeout, List<Cidr> allowedSources) {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_UDP_IDLE_TIMEOUT = Duration.ofSeconds(120);

    public SocksOptions {
        requirePositive(handshakeTimeout, "handshakeTimeout");
        requirePositive(openTimeout, "openTimeout");
        requirePositive(udpIdleTimeout, "udpIdleTimeout");
        allowedSources = List.copyOf(allowedSources);
    }

    public static SocksOptions defaults() {
        return new SocksOptions(DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_OPEN_TIMEOUT, null, DEFAULT_UDP_IDLE_TIMEOUT, List.of());
    }

    public SocksOptions withHandshakeTimeout(Duration timeout) {
        return new SocksOptions(timeout, openTimeout, credentials, udpIdleTimeout, allowedSources);
    }

    public SocksOptions withOpenTimeout(Duration timeout) {
        return new SocksOptions(handshakeTimeout, timeout, credentials, udpIdleTimeout, allowedSources);
    }

    /** Requires these credentials from every client; null to require none. */
    public SocksOptions withCredentials(SocksCredentials creds) {
        return new SocksOptions(handshakeTimeout, openTimeout, creds, udpIdleTimeout, allowedSources);
    }

    public SocksOptions withUdpIdleTimeout(Duration timeout) {
        return new SocksOptions(handshakeTimeout, openTimeout, credentials, timeout, allowedSources);
    }

    /** Only peers in these blocks may use the proxy (others are closed without a reply); empty: anyone. */
    public SocksOptions withAllowedSources(List<Cidr> sources) {
        return new SocksOptions(handshakeTimeout, openTimeout, credentials, udpIdleTimeout, sources);
    }

    /** Whether a peer at {@code address} may use the proxy. */
    public boolean allows(InetAddress address) {
        return allowedSources.isEmpty() || allowedSources.stream().anyMatch(c -> c.contains(address));
    }

    public boolean requiresAuth() {
        return credentials != null;
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }
}
