package dev.alknet.server;

import dev.alknet.core.bridge.ChannelIoSession;
import dev.alknet.core.resume.ResumeLink;
import dev.alknet.core.ssh.SshSession;
import dev.alknet.server.policy.KeyGrant;
import dev.alknet.transport.Admission;
import dev.alknet.transport.resume.ResumableStream;
import java.net.InetSocketAddress;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * At login: the session's carrier stops counting as a pending handshake ({@code --max-pending}), and a resumable
 * session's address and key are noted for the parked-session limits.
 */
final class LoggedIn implements SessionListener {

    private final DetachedSessions detached;

    LoggedIn(DetachedSessions detached) {
        this.detached = detached;
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.Authenticated || !(session.getIoSession() instanceof ChannelIoSession io)) {
            return;
        }
        Admission.settle(io.channel());
        ResumableStream stream = ResumeLink.of(io);
        if (stream != null && io.getRemoteAddress() instanceof InetSocketAddress a) {
            KeyGrant grant = KeyGrant.of(SshSession.of(session));
            detached.loggedIn(stream, a.getAddress(), grant == null ? null : grant.fingerprint());
        }
    }
}
