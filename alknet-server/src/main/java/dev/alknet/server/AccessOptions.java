package dev.alknet.server;

import dev.alknet.server.dial.DestinationPolicy;
import dev.alknet.server.dial.OutboundProxy;
import dev.alknet.server.policy.AccessPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Who may reach what, and the server's resource limits (docs/adr/0012).
 *
 * @param destinations    where {@code direct-tcpip} and UDP may go ({@link AccessPolicy} for {@code alknet serve})
 * @param outboundProxy   upstream proxy all TCP egress goes through, or null for direct; UDP is then refused
 * @param authTimeout     a connection not authenticated by then is closed
 * @param maxConnsPerIp   SSH connections at once from one client address; 0 is unlimited
 * @param maxChannels     channels (streams) at once per session
 * @param parked          pending-handshake and parked-session limits
 */
public record AccessOptions(DestinationPolicy destinations, OutboundProxy outboundProxy, Duration authTimeout,
        int maxConnsPerIp, int maxChannels, SessionLimits parked) {

    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNS_PER_IP = 64;
    /**
     * Each stream may leave up to its receive window (8 MiB, ADR 0003) with the server when its destination stops
     * reading; 1024 bounds that per session while leaving room for a browser's or alknet-tun's streams.
     */
    public static final int DEFAULT_MAX_CHANNELS = 1024;

    /**
     * @param maxPending        peers at once, over all addresses, accepted but not logged in yet; 0 is unlimited
     * @param maxDetachedPerKey sessions parked for a resume per key; the oldest makes room for a newer one
     * @param maxDetached       sessions parked for a resume in all; the oldest makes room for a newer one
     */
    public record SessionLimits(int maxPending, int maxDetachedPerKey, int maxDetached) {
        public static final SessionLimits DEFAULTS = new SessionLimits(256, 4, 256);

        public SessionLimits {
            if (maxPending < 0) {
                throw new IllegalArgumentException("--max-pending: " + maxPending + " (expected: >= 0)");
            }
            if (maxDetachedPerKey < 1) {
                throw new IllegalArgumentException("--max-detached-per-key: " + maxDetachedPerKey
                        + " (expected: >= 1)");
            }
            if (maxDetached < 1) {
                throw new IllegalArgumentException("--max-detached: " + maxDetached + " (expected: >= 1)");
            }
        }
    }

    /**
     * Every destination allowed, no proxy, default limits: for embedding and tests that bring their own policy.
     * {@code alknet serve} starts from {@link #safeDefaults()} instead.
     */
    public static final AccessOptions UNRESTRICTED = new AccessOptions(DestinationPolicy.ALLOW_ALL, null,
            DEFAULT_AUTH_TIMEOUT, DEFAULT_MAX_CONNS_PER_IP, DEFAULT_MAX_CHANNELS, SessionLimits.DEFAULTS);

    public AccessOptions {
        Objects.requireNonNull(destinations, "destinations");
        Objects.requireNonNull(authTimeout, "authTimeout");
        if (authTimeout.isNegative() || authTimeout.isZero()) {
            throw new IllegalArgumentException("--auth-timeout: " + authTimeout + " (expected: > 0)");
        }
        if (maxConnsPerIp < 0) {
            throw new IllegalArgumentException("--max-conns-per-ip: " + maxConnsPerIp + " (expected: >= 0)");
        }
        Objects.requireNonNull(parked, "parked");
        if (maxChannels < 1) {
            throw new IllegalArgumentException("--max-channels: " + maxChannels + " (expected: >= 1)");
        }
    }

    /** With the default pending-handshake and parked-session limits. */
    public AccessOptions(DestinationPolicy destinations, OutboundProxy outboundProxy, Duration authTimeout,
            int maxConnsPerIp, int maxChannels) {
        this(destinations, outboundProxy, authTimeout, maxConnsPerIp, maxChannels, SessionLimits.DEFAULTS);
    }

    /** {@link AccessPolicy#defaults()}: loopback, link-local and the server's own addresses denied. */
    public static AccessOptions safeDefaults() {
        return UNRESTRICTED.withDestinations(AccessPolicy.defaults());
    }

    public AccessOptions withDestinations(DestinationPolicy d) {
        return new AccessOptions(d, outboundProxy, authTimeout, maxConnsPerIp, maxChannels, parked);
    }

    public AccessOptions withOutboundProxy(OutboundProxy p) {
        return new AccessOptions(destinations, p, authTimeout, maxConnsPerIp, maxChannels, parked);
    }

    public AccessOptions withLimits(Duration auth, int connsPerIp, int channels) {
        return new AccessOptions(destinations, outboundProxy, auth, connsPerIp, channels, parked);
    }

    public AccessOptions withSessionLimits(SessionLimits l) {
        return new AccessOptions(destinations, outboundProxy, authTimeout, maxConnsPerIp, maxChannels, l);
    }
}
