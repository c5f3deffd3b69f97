package dev.alknet.core.bridge;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.io.IoServiceEventListener;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoService;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

/** The {@link IoService} MINA expects behind every IoSession: here just the registry of live sessions. */
public class BridgeIoService extends AbstractCloseable implements IoService {

    private final Map<Long, IoSession> sessions = new ConcurrentHashMap<>();
    private volatile IoServiceEventListener eventListener;

    void register(IoSession session) {
        sessions.put(session.getId(), session);
    }

    void unregister(IoSession session) {
        sessions.remove(session.getId());
    }

    @Override
    public Map<Long, IoSession> getManagedSessions() {
        return Collections.unmodifiableMap(sessions);
    }

    @Override
    public IoServiceEventListener getIoServiceEventListener() {
        return eventListener;
    }

    @Override
    public void setIoServiceEventListener(IoServiceEventListener listener) {
        this.eventListener = listener;
    }

    @Override
    protected void doCloseImmediately() {
        for (IoSession s : sessions.values()) {
            s.close(true);
        }
        super.doCloseImmediately();
    }
}
