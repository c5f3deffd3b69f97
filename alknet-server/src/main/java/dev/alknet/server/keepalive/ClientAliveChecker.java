package dev.alknet.server.keepalive;

import dev.alknet.core.keepalive.PeerAliveProbe;
import dev.alknet.core.ssh.SshSession;
import dev.alknet.core.ssh.TransportSshServer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Reaps clients that vanished without closing their connection (power cut, network gone, a NAT that forgot
 * the flow): every {@code interval} each authenticated session gets a {@value PeerAliveProbe#REQUEST}
 * global request with want-reply, and after {@code maxUnanswered} in a row without any reply it is closed.
 * Any reply counts: alknet and MINA clients answer success, stock OpenSSH answers failure.
 *
 * <p>A dead client is freed at most (maxUnanswered + 1) × interval after it was last heard: 20 s with the
 * defaults (5 s, 3), inside twice the client's 15 s heartbeat; a resumable session waits out its resume grace
 * after that instead (its carrier is dropped, see {@link PeerAliveProbe}). Without this the server would hold a dead
 * session, its channels and its {@code -R} ports until TCP gives up, which can take hours; an idle timeout
 * cannot do the job because it would also kill healthy idle tunnels.
 */
public final class ClientAliveChecker implements Consumer<SshSession> {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_UNANSWERED = 3;

    private final TransportSshServer sshd;
    private final Duration interval;
    private final int maxUnanswered;

    private ClientAliveChecker(TransportSshServer sshd, Duration interval, int maxUnanswered) {
        this.sshd = sshd;
        this.interval = interval;
        this.maxUnanswered = maxUnanswered;
    }

    /** Adds the checker to the server; an interval of zero turns it off. */
    public static void install(TransportSshServer sshd, Duration interval, int maxUnanswered) {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        if (maxUnanswered < 1) {
            throw new IllegalArgumentException("client-alive count: " + maxUnanswered + " (expected: >= 1)");
        }
        sshd.onLogin(new ClientAliveChecker(sshd, interval, maxUnanswered));
    }

    @Override
    public void accept(SshSession session) {
        // Probing starts at login: before authentication there is no one to ask, and the auth timeout bounds that
        // phase anyway.
        PeerAliveProbe.start(session, interval, maxUnanswered, sshd.getScheduledExecutorService());
    }
}
