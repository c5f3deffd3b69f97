package dev.alknet.server.dial;

import org.apache.sshd.common.session.Session;

/**
 * Decides whether a session may open {@code direct-tcpip} to a destination. Runs on the SSH session's reader thread
 * before any DNS lookup, so it must not block; {@code host} is the string the client sent (name or literal).
 */
@FunctionalInterface
public interface DestinationPolicy {

    DestinationPolicy ALLOW_ALL = (host, port, session) -> true;

    boolean allowed(String host, int port, Session session);
}
