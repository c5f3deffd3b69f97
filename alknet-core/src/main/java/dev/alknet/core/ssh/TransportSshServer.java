package dev.alknet.core.ssh;

import dev.alknet.core.bridge.BridgeIoService;
import dev.alknet.core.bridge.ChannelIoSession;
import dev.alknet.core.resume.ResumeLink;
import io.netty.channel.Channel;
import java.util.function.Consumer;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;

/**
 * An {@link SshServer} that binds no socket of its own: transports hand it their accepted streams
 * through {@link #attach}, so one key set and one policy serve every listener.
 */
public final class TransportSshServer extends SshServer {

    private final BridgeIoService ioService = new BridgeIoService();

    /** Prepares the session factory and timeouts, what {@link #start()} does apart from binding. */
    public void startUnbound() {
        checkConfig();
        setSessionFactory(createSessionFactory());
        setupSessionTimeout(getSessionFactory());
    }

    @Override
    protected void checkConfig() {
        SessionTimer.installOn(this);
        super.checkConfig();
    }

    /** Runs SSH on an accepted stream; the server's identification line goes out at once. */
    public ChannelIoSession attach(Channel stream) throws Exception {
        ChannelIoSession session = ChannelIoSession.attach(stream, getSessionFactory(), ioService, stream.localAddress());
        // a framed carrier (set up by ServerSniffer) waits for its client to resume it; nothing to dial
        ResumeLink.link(session, stream, s -> () -> { });
        return session;
    }

    /** Runs {@code action} on each session once it authenticated (on the session's thread). */
    public void onLogin(Consumer<SshSession> action) {
        addSessionListener(new SessionListener() {
            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated) {
                    action.accept(SshSession.of(session));
                }
            }
        });
    }

    public int sessionCount() {
        return ioService.getManagedSessions().size();
    }

    @Override
    public void stop(boolean immediately) throws java.io.IOException {
        ioService.close(immediately);
        super.stop(immediately);
    }
}
