package dev.alknet.server.dial;

import dev.alknet.core.open.OpenFailure;

/**
 * Why a dial failed, as a value so callers never parse text. Each kind is one row of the open-failure table in core
 * ({@link OpenFailure}): its SSH reason code, wire text and the client's SOCKS/HTTP answers come from there.
 */
public enum DialFailure {
    UNKNOWN_HOST(OpenFailure.UNKNOWN_HOST),
    CONNECTION_REFUSED(OpenFailure.CONNECTION_REFUSED),
    TIMED_OUT(OpenFailure.TIMED_OUT),
    NETWORK_UNREACHABLE(OpenFailure.NETWORK_UNREACHABLE),
    HOST_UNREACHABLE(OpenFailure.HOST_UNREACHABLE),
    /** Denied by the destination decision (policy, drain, key options), before or after DNS. */
    FORBIDDEN(OpenFailure.FORBIDDEN),
    /** The outbound proxy could not be reached or failed; nothing goes around it. */
    PROXY_DOWN(OpenFailure.PROXY_DOWN),
    OTHER(OpenFailure.OTHER);

    private final OpenFailure open;

    DialFailure(OpenFailure open) {
        this.open = open;
    }

    /** The row of the open-failure table this kind is answered with. */
    public OpenFailure open() {
        return open;
    }
}
