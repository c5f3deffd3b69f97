package dev.alknet.server;

import dev.alknet.core.ssh.SshSession;
import dev.alknet.server.policy.KeyGrant;
import dev.alknet.transport.Admission;
import dev.alknet.transport.resume.ResumableStream;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * At login: the session's carrier stops counting as a pending handshake ({@code --max-pending}), and a resumable
 * session's address and key are noted for the parked-session limits.
 */
final class LoggedIn implements Consumer<SshSession> {

    private final DetachedSessions detached;

    LoggedIn(DetachedSessions detached) {
        this.detached = detached;
    }

    @Override
    public void accept(SshSession session) {
        Channel carrier = session.carrier();
        if (carrier == null) {
            return;
        }
        Admission.settle(carrier);
        ResumableStream stream = session.resumable();
        if (stream != null && session.remoteAddress() instanceof InetSocketAddress a) {
            KeyGrant grant = KeyGrant.of(session);
            detached.loggedIn(stream, a.getAddress(), grant == null ? null : grant.fingerprint());
        }
    }
}
