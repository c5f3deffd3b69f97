package dev.alknet.client.socks;

import dev.alknet.client.socks.auth.SocksCredentials;
import java.time.Duration;
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
        Duration udpIdleTimeout) {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_UDP_IDLE_TIMEOUT = Duration.ofSeconds(120);

    public SocksOptions {
        requirePositive(handshakeTimeout, "handshakeTimeout");
        requirePositive(openTimeout, "openTimeout");
        requirePositive(udpIdleTimeout, "udpIdleTimeout");
    }

    public static SocksOptions defaults() {
        return new SocksOptions(DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_OPEN_TIMEOUT, null, DEFAULT_UDP_IDLE_TIMEOUT);
    }

    public SocksOptions withHandshakeTimeout(Duration timeout) {
        return new SocksOptions(timeout, openTimeout, credentials, udpIdleTimeout);
    }

    public SocksOptions withOpenTimeout(Duration timeout) {
        return new SocksOptions(handshakeTimeout, timeout, credentials, udpIdleTimeout);
    }

    /** Requires these credentials from every client; null to require none. */
    public SocksOptions withCredentials(SocksCredentials creds) {
        return new SocksOptions(handshakeTimeout, openTimeout, creds, udpIdleTimeout);
    }

    public SocksOptions withUdpIdleTimeout(Duration timeout) {
        return new SocksOptions(handshakeTimeout, openTimeout, credentials, timeout);
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
