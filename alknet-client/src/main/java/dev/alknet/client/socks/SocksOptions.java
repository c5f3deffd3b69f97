package dev.alknet.client.socks;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the local SOCKS listener.
 *
 * @param handshakeTimeout how long a client may take from accept to a complete request (greeting, method
 *                         negotiation and CONNECT request); a deadline, not an idle time
 * @param openTimeout      how long to wait for the SSH session and the server's answer to the channel open
 *                         before replying 0x06 (TTL expired), or 0x01 if no session came
 */
public record SocksOptions(Duration handshakeTimeout, Duration openTimeout) {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(30);

    public SocksOptions {
        requirePositive(handshakeTimeout, "handshakeTimeout");
        requirePositive(openTimeout, "openTimeout");
    }

    public static SocksOptions defaults() {
        return new SocksOptions(DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_OPEN_TIMEOUT);
    }

    public SocksOptions withHandshakeTimeout(Duration timeout) {
        return new SocksOptions(timeout, openTimeout);
    }

    public SocksOptions withOpenTimeout(Duration timeout) {
        return new SocksOptions(handshakeTimeout, timeout);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }
}
