package dev.alknet.core.forward;

import dev.alknet.core.config.HostPort;
import dev.alknet.core.ssh.SshSession;
import java.io.IOException;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's answer to {@code tcpip-forward} and {@code cancel-tcpip-forward} (RFC 4254 §7.1): reads the request
 * and hands it to a {@link RemoteListen}, in place of MINA's forwarder. A granted request is answered with the port,
 * always (as MINA does; RFC 4254 asks for it only when the client asked for port 0, and clients ignore it otherwise).
 */
public final class TcpipForwardRequests implements RequestHandler<ConnectionService> {

    static final String FORWARD = "tcpip-forward";
    static final String CANCEL = "cancel-tcpip-forward";
    /** What MINA's {@code SshdSocketAddress} makes of an empty address, and what the rules and logs see. */
    static final String ANY = "0.0.0.0";

    private static final Logger log = LoggerFactory.getLogger(TcpipForwardRequests.class);

    private final RemoteListen listeners;

    public TcpipForwardRequests(RemoteListen listeners) {
        this.listeners = listeners;
    }

    @Override
    public Result process(ConnectionService service, String request, boolean wantReply, Buffer buffer)
            throws Exception {
        if (!FORWARD.equals(request) && !CANCEL.equals(request)) {
            return Result.Unsupported;
        }
        String host = buffer.getString();
        long port = buffer.getUInt();
        Session session = service.getSession();
        if (port > 65535) {
            return Result.ReplyFailure;
        }
        HostPort address = new HostPort(host.isEmpty() ? ANY : host, (int) port);
        if (CANCEL.equals(request)) {
            listeners.cancel(SshSession.of(session), address);
            return Result.ReplySuccess;
        }
        int bound;
        try {
            bound = listeners.listen(SshSession.of(session), address);
        } catch (IOException | RuntimeException e) {
            log.debug("{}: tcpip-forward on {} refused: {}", session, address, e.toString());
            return Result.ReplyFailure;
        }
        if (wantReply) {
            Buffer reply = session.createBuffer(SshConstants.SSH_MSG_REQUEST_SUCCESS, Integer.BYTES);
            reply.putUInt(bound);
            session.writePacket(reply);
        }
        return Result.Replied;
    }
}
