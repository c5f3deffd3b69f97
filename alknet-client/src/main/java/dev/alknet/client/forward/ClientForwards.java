package dev.alknet.client.forward;

import dev.alknet.client.SessionProvider;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** All forwards of one client: the {@code -L} listeners and the {@code -R} registrar, started and stopped together. */
public final class ClientForwards implements AutoCloseable {

    private final List<LocalForwarder> locals;
    private final RemoteForwarder remote;

    private ClientForwards(List<LocalForwarder> locals, RemoteForwarder remote) {
        this.locals = locals;
        this.remote = remote;
    }

    /**
     * Binds every {@code -L} listener (all or none); the {@code -R} forwards are registered once
     * {@link #remote()} is told about a session.
     */
    public static ClientForwards start(Forwards forwards, SessionProvider sessions, Duration openTimeout) {
        List<LocalForwarder> locals = new ArrayList<>();
        try {
            for (ForwardSpec spec : forwards.local()) {
                locals.add(LocalForwarder.start(spec, sessions, openTimeout));
            }
        } catch (RuntimeException e) {
            locals.forEach(LocalForwarder::closeAll);
            throw e;
        }
        return new ClientForwards(List.copyOf(locals), new RemoteForwarder(forwards.remote()));
    }

    /** Register with the tunnel supervisor: re-registers the {@code -R} forwards on every session. */
    public RemoteForwarder remote() {
        return remote;
    }

    public List<LocalForwarder> locals() {
        return locals;
    }

    public List<InetSocketAddress> localAddresses() {
        return locals.stream().map(LocalForwarder::localAddress).toList();
    }

    /** Local connections still open; {@code -R} streams are counted as SSH channels by the caller. */
    public int openConnections() {
        return locals.stream().mapToInt(LocalForwarder::openConnections).sum();
    }

    /** First step of a drain: no new {@code -L} connections, and the server stops listening for {@code -R}. */
    public void stopAccepting() {
        locals.forEach(LocalForwarder::close);
        remote.stopListening();
    }

    @Override
    public void close() {
        locals.forEach(LocalForwarder::closeAll);
        remote.close();
    }
}
