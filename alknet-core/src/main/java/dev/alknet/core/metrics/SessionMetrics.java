package dev.alknet.core.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/** Server side: reports sessions that logged in, and their end; register with {@code addSessionListener}. */
public final class SessionMetrics implements SessionListener {

    private final Set<Session> authenticated = ConcurrentHashMap.newKeySet();

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated && authenticated.add(session)) {
            AlknetMetrics.get().sessionOpened();
        }
    }

    @Override
    public void sessionClosed(Session session) {
        if (authenticated.remove(session)) {
            AlknetMetrics.get().sessionClosed();
        }
    }
}
