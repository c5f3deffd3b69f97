package dev.alknet.server.dial;

import java.net.InetAddress;
import dev.alknet.core.ssh.SshSession;

/**
 * Decides whether a session may open {@code direct-tcpip} (or send UDP) to a destination, in two steps: {@link #allowed}
 * on the string the client sent, before any DNS lookup (so it must not block), and {@link #allowedAddress} on each
 * address a name resolved to, before the connect. A name that resolves to a denied address is thereby denied too.
 * It is the "address classes and rules" step of the {@link DestinationDecision}, which alone calls it.
 */
@FunctionalInterface
public interface DestinationPolicy {

    DestinationPolicy ALLOW_ALL = (host, port, session) -> true;

    /** {@code host} is the string the client sent (name or literal). */
    boolean allowed(String host, int port, SshSession session);

    /** {@code address} is one address {@code host} resolved to; called only after {@link #allowed} said yes. */
    default boolean allowedAddress(String host, int port, InetAddress address, SshSession session) {
        return true;
    }
}
