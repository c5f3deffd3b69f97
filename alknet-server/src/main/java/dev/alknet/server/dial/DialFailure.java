package dev.alknet.server.dial;

/**
 * Why a dial failed, as a value so callers (open-failure text, SOCKS reply codes) map it in one place and never parse
 * text.
 */
public enum DialFailure {
    UNKNOWN_HOST,
    CONNECTION_REFUSED,
    TIMED_OUT,
    NETWORK_UNREACHABLE,
    HOST_UNREACHABLE,
    /** The destination policy denied every address the name resolved to (answered as administratively prohibited). */
    FORBIDDEN,
    /** The outbound proxy could not be reached or failed; nothing goes around it. */
    PROXY_DOWN,
    OTHER
}
