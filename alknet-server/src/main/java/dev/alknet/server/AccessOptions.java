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
 */
public record AccessOptions(DestinationPolicy destinations, OutboundProxy outboundProxy, Duration authTimeout,
        int maxConnsPerIp, int maxChannels) {

    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNS_PER_IP = 64;
    public static final int DEFAULT_MAX_CHANNELS = 16384;

    /**
     * Every destination allowed, no proxy, default limits: for embedding and tests that bring their own policy.
     * {@code alknet serve} starts from {@link #safeDefaults()} instead.
     */
    public static final AccessOptions UNRESTRICTED = new AccessOptions(DestinationPolicy.ALLOW_ALL, null,
            DEFAULT_AUTH_TIMEOUT, DEFAULT_MAX_CONNS_PER_IP, DEFAULT_MAX_CHANNELS);

    public AccessOptions {
        Objects.requireNonNull(destinations, "destinations");
        Objects.requireNonNull(authTimeout, "authTimeout");
        if (authTimeout.isNegative() || authTimeout.isZero()) {
            throw new IllegalArgumentException("--auth-timeout: " + authTimeout + " (expected: > 0)");
        }
        if (maxConnsPerIp < 0) {
            throw new IllegalArgumentException("--max-conns-per-ip: " + maxConnsPerIp + " (expected: >= 0)");
        }
        if (maxChannels < 1) {
            throw new IllegalArgumentException("--max-channels: " + maxChannels + " (expected: >= 1)");
        }
    }

    /** {@link AccessPolicy#defaults()}: loopback, link-local and the server's own addresses denied. */
    public static AccessOptions safeDefaults() {
        return UNRESTRICTED.withDestinations(AccessPolicy.defaults());
    }

    public AccessOptions withDestinations(DestinationPolicy d) {
        return new AccessOptions(d, outboundProxy, authTimeout, maxConnsPerIp, maxChannels);
    }

    public AccessOptions withOutboundProxy(OutboundProxy p) {
        return new AccessOptions(destinations, p, authTimeout, maxConnsPerIp, maxChannels);
    }

    public AccessOptions withLimits(Duration auth, int connsPerIp, int channels) {
        return new AccessOptions(destinations, outboundProxy, auth, connsPerIp, channels);
    }
}
