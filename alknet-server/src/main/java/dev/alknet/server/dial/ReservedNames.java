package dev.alknet.server.dial;

import java.util.Locale;

/**
 * Names starting with {@code alknet-} belong to alknet itself (internal endpoints); they are never looked up in DNS or
 * handed to an outbound proxy, so a typo or a probe cannot leak them to a resolver. Unhandled, they are unknown hosts.
 */
public final class ReservedNames {

    public static final String PREFIX = "alknet-";

    private ReservedNames() {
    }

    public static boolean isReserved(String host) {
        return host != null && host.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    /** The failure a dial to a reserved name gets: unknown host (SOCKS 0x04). */
    public static DialException refusal(String host) {
        return new DialException(DialFailure.UNKNOWN_HOST, "unknown host " + host + " (reserved name, not resolved)",
                null);
    }
}
