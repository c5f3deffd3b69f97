package dev.alknet.server.forward;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.forward.Forwarder;
import org.apache.sshd.common.forward.PortForwardingEventListener;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows which {@code -R} listeners each session opened on the server, so a drain can close them (stop
 * accepting) while connections already forwarded carry on; MINA offers no list of them. Register as both a
 * port-forwarding event listener and a session listener of the server.
 */
public final class RemoteListeners implements PortForwardingEventListener, SessionListener {

    private static final Logger log = LoggerFactory.getLogger(RemoteListeners.class);

    private final Map<Session, Set<SshdSocketAddress>> bySession = new ConcurrentHashMap<>();

    @Override
    public void establishedExplicitTunnel(Session session, SshdSocketAddress local, SshdSocketAddress remote,
            boolean localForwarding, SshdSocketAddress boundAddress, Throwable reason) {
        // On the server, a tcpip-forward request is a "local" forwarding: the listener is here.
        if (localForwarding && reason == null) {
            bySession.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(local);
            log.info("{}@{}: -R listening on {}", session.getUsername(), session.getIoSession().getRemoteAddress(),
                    boundAddress);
        }
    }

    @Override
    public void sessionClosed(Session session) {
        bySession.remove(session);
    }

    /** Listeners currently open. */
    public int count() {
        return bySession.values().stream().mapToInt(Set::size).sum();
    }

    /** Unbinds every {@code -R} listener; connections they accepted stay up. */
    public void closeAll() {
        bySession.forEach((session, addresses) -> {
            for (SshdSocketAddress a : addresses) {
                try {
                    Forwarder forwarder = session.getService(ConnectionService.class).getForwarder();
                    forwarder.localPortForwardingCancelled(a);
                } catch (IOException | RuntimeException e) {
                    log.debug("{}: closing -R listener {} failed", session, a, e); // e.g. the session just closed
                }
            }
            addresses.clear();
        });
    }
}
