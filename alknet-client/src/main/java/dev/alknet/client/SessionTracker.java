package dev.alknet.client;

import dev.alknet.core.metrics.AlknetMetrics;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import dev.alknet.core.ssh.SshSession;

/** Follows the supervisor's sessions for {@link ClientState} and the session/reconnect metrics. */
final class SessionTracker implements TunnelSupervisor.Listener {

    private final SessionConnector connector;
    private final AtomicLong sessions = new AtomicLong();
    private volatile boolean up;
    private volatile Instant since;

    SessionTracker(SessionConnector connector) {
        this.connector = connector;
    }

    @Override
    public void sessionUp(SshSession session) {
        up = true;
        since = Instant.now();
        if (sessions.incrementAndGet() > 1) {
            AlknetMetrics.get().reconnected();
        }
        AlknetMetrics.get().sessionOpened();
        session.onClose(() -> {
            up = false;
            since = Instant.now();
            AlknetMetrics.get().sessionClosed();
        });
    }

    String transportNote() {
        return connector.transportNote();
    }

    ClientState state(int openStreams, String lastError) {
        return new ClientState(connector.server().toString(), up, since, sessions.get(), openStreams, lastError);
    }
}
