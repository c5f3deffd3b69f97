package dev.alknet.server.dial;

/**
 * A destination as the client sent it, checked once by {@link #parse}: a port from 1 to 65535 and a host that is an
 * address or a name ({@link HostLiteral}) outside alknet's own {@link ReservedNames}. The destination decision makes
 * one for each open; a dialer called without one makes it itself, with the same answers.
 *
 * @param host   exactly as the client sent it (for messages)
 * @param port   1–65535
 * @param parsed the host parsed: an address (in any inet_aton form) or a name without brackets
 */
public record DialTarget(String host, int port, HostLiteral.Host parsed) {

    /** @throws DialException invalid port ({@link DialFailure#OTHER}), no host or a reserved name (unknown host) */
    public static DialTarget parse(String host, int port) throws DialException {
        checkPort(port);
        HostLiteral.Host parsed = HostLiteral.parse(host);
        if (parsed.isInvalid()) {
            // Neither a name nor an address (an empty host would even resolve to loopback): nothing to look up.
            throw DialErrors.unknownHost(host, null);
        }
        if (!parsed.isAddress() && ReservedNames.isReserved(parsed.name())) {
            throw ReservedNames.refusal(host);
        }
        return new DialTarget(host, port, parsed);
    }

    /** @throws DialException ({@link DialFailure#OTHER}, "invalid port N") unless 1–65535 */
    public static void checkPort(long port) throws DialException {
        if (!isPort(port)) {
            throw new DialException(DialFailure.OTHER, "invalid port " + port, null);
        }
    }

    public static boolean isPort(long port) {
        return port >= 1 && port <= 65535;
    }

    /** The name to resolve or hand to a proxy (without brackets); null for an address. */
    public String name() {
        return parsed.name();
    }

    public boolean isAddress() {
        return parsed.isAddress();
    }
}
