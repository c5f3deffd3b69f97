package dev.alknet.core.ssh;

import dev.alknet.core.bridge.ChannelIoSession;
import dev.alknet.core.channel.SessionSource;
import dev.alknet.core.resume.ResumeLink;
import dev.alknet.transport.resume.ResumableStream;
import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.TcpForwardingFilter;

/**
 * One SSH session as the modules above core see it (either end): who logged in, from where, what was noted on it,
 * and where to open channels. A view of MINA's session; two views of the same session are equal, so it can key a map.
 */
public final class SshSession {

    /** A value stored on the session for its lifetime (e.g. the login key's grant). */
    public static final class Key<T> {
        private final AttributeKey<T> mina = new AttributeKey<>();
    }

    private final Session session;

    private SshSession(Session session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    /** The view of {@code session}; null for null (policies are asked without a session in unit tests). */
    public static SshSession of(Session session) {
        return session == null ? null : new SshSession(session);
    }

    /** The user name of the login (the client's, on the server). */
    public String user() {
        return session.getUsername();
    }

    /** The peer's address as the carrier sees it. */
    public SocketAddress remoteAddress() {
        return session.getIoSession().getRemoteAddress();
    }

    /** The transport stream the session runs on (the current carrier of a resumable one); null if not ours. */
    public Channel carrier() {
        return session.getIoSession() instanceof ChannelIoSession io ? io.channel() : null;
    }

    /** The resumable layer under the session, or null when it has none (docs/adr/0011). */
    public ResumableStream resumable() {
        return session.getIoSession() instanceof ChannelIoSession io ? ResumeLink.of(io) : null;
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    /** Runs {@code action} once the session closed (at once if it already did). */
    public void onClose(Runnable action) {
        session.addCloseFutureListener(f -> action.run());
    }

    public <T> T get(Key<T> key) {
        return session.getAttribute(key.mina);
    }

    public <T> void set(Key<T> key, T value) {
        session.setAttribute(key.mina, value);
    }

    /** The value of {@code key}, stored from {@code initial} first if there is none (atomically). */
    public <T> T computeIfAbsent(Key<T> key, java.util.function.Supplier<? extends T> initial) {
        return session.computeAttributeIfAbsent(key.mina, k -> initial.get());
    }

    /**
     * Whether the forwarding filter of the session's server lets a {@code direct-tcpip} to {@code host} port
     * {@code port} through ({@link dev.alknet.core.forward.ForwardingRules} for alknet's server); true without one.
     */
    public boolean forwardingAllowsDirect(String host, int port) {
        FactoryManager manager = session.getFactoryManager();
        TcpForwardingFilter gate = manager == null ? null : manager.getTcpForwardingFilter();
        return gate == null
                || gate.canConnect(TcpForwardingFilter.Type.Direct, new SshdSocketAddress(host, port), session);
    }

    /** Channels not closed yet on this session. */
    public int openChannels() {
        ConnectionService service = session.getService(ConnectionService.class);
        return service instanceof AbstractConnectionService s ? s.getChannels().size() : 0;
    }

    /** This session, for {@link dev.alknet.core.channel.ChannelOpener}: channels open on it or fail. */
    public SessionSource channels() {
        return () -> CompletableFuture.completedFuture(this);
    }

    /** Closes the session; {@code immediately} drops what is queued. */
    public void close(boolean immediately) {
        session.close(immediately);
    }

    /** A graceful close bounded by {@code bound}, then forced: a peer with data queued can hold it open. */
    public void closeWithin(Duration bound) {
        try {
            if (!session.close(false).await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                session.close(true);
            }
        } catch (java.io.IOException e) {
            session.close(true);
        }
    }

    /** The peer's identification line (e.g. {@code SSH-2.0-alknet_1.0}). */
    public String peerVersion() {
        return session.isServerSession() ? session.getClientVersion() : session.getServerVersion();
    }

    /** MINA's session, for core only (public for core's other packages; modules above never see the type). */
    public Session mina() {
        return session;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SshSession s && s.session == session;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(session);
    }

    @Override
    public String toString() {
        return session.toString();
    }
}
