package dev.alknet.core.forward;

import dev.alknet.core.config.HostPort;
import dev.alknet.core.ssh.SshSession;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The client's side of {@code tcpip-forward} (RFC 4254 §7.1), in place of MINA's forwarder: asks the server to listen
 * and notes which local target the port it got leads to, for {@link ForwardedTcpipChannels}. The notes live on the
 * session, so a new session starts with none.
 */
public final class RemoteForwarding {

    /** The server refused to listen (SSH carries no reason). */
    public static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private static final SshSession.Key<Map<Integer, HostPort>> TARGETS = new SshSession.Key<>();

    private RemoteForwarding() {
    }

    /**
     * Asks the server to listen on {@code listen} (an empty host: every interface) and to send each connection to
     * this client, which connects it to {@code target}. Blocks until the server answered (at most the forward
     * request timeout).
     *
     * @return the address the server listens on: the host as asked, the port as bound
     * @throws Refused if the server refused; {@link java.net.SocketTimeoutException} if it did not answer
     */
    public static HostPort request(SshSession session, HostPort listen, HostPort target) throws IOException {
        Session s = session.mina();
        String host = listen.host().isEmpty() ? TcpipForwardRequests.ANY : listen.host();
        Buffer buffer = s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, host.length() + Long.SIZE);
        buffer.putString(TcpipForwardRequests.FORWARD);
        buffer.putBoolean(true);
        buffer.putString(host);
        buffer.putUInt(listen.port());
        Duration timeout = CoreModuleProperties.FORWARD_REQUEST_TIMEOUT.getRequired(s);
        Buffer reply = s.request(TcpipForwardRequests.FORWARD, buffer, timeout);
        if (reply == null) {
            throw new Refused("tcpip-forward on " + host + ":" + listen.port() + " refused by the server");
        }
        int port = listen.port() == 0 ? reply.getInt() : listen.port();
        if (targets(session).putIfAbsent(port, target) != null) {
            throw new IOException("a second -R on port " + port + " of the server");
        }
        return new HostPort(host, port);
    }

    /** Asks the server to stop listening on {@code bound} (as {@link #request} returned it); never waits. */
    public static void cancel(SshSession session, HostPort bound) throws IOException {
        if (targets(session).remove(bound.port()) == null) {
            return;
        }
        Session s = session.mina();
        Buffer buffer = s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, bound.host().length() + Long.SIZE);
        buffer.putString(TcpipForwardRequests.CANCEL);
        buffer.putBoolean(false);
        buffer.putString(bound.host());
        buffer.putUInt(bound.port());
        s.writePacket(buffer);
    }

    /** The target of the forward the server listens for on {@code port}, or null (matched by port, as MINA does). */
    static HostPort targetOf(SshSession session, long port) {
        return port < 0 || port > 65535 ? null : targets(session).get((int) port);
    }

    private static Map<Integer, HostPort> targets(SshSession session) {
        return session.computeIfAbsent(TARGETS, ConcurrentHashMap::new);
    }
}
