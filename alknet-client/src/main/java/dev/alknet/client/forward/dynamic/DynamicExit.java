package dev.alknet.client.forward.dynamic;

import dev.alknet.client.forward.ForwardSpec;
import dev.alknet.client.forward.Forwards;
import dev.alknet.client.socks.SocksOptions;
import dev.alknet.client.socks.SocksServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's end of dynamic {@code -R [BIND:]PORT} (as OpenSSH 7.6+): the server listens and forwards each
 * connection back exactly as for any {@code -R}, so the server's rules for {@code -R} listeners apply unchanged; here
 * the connections reach the proxy front-end of {@code --socks} (SOCKS5, SOCKS4a, HTTP CONNECT and plain HTTP; no UDP),
 * whose CONNECTs leave from this machine ({@link DirectUpstream}, {@link ExitPolicy}) instead of the tunnel.
 *
 * <p>The front-end listens on an ephemeral loopback port of this machine, and every dynamic {@code -R} becomes an
 * ordinary {@code -R} to it ({@link #forwards()}): the {@code -R} path needs nothing of its own. That port gives a
 * local user nothing they lack: its dials refuse this machine's own addresses like the server's.
 */
public final class DynamicExit implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DynamicExit.class);

    private final SocksServer front;
    private final Forwards forwards;

    private DynamicExit(SocksServer front, Forwards forwards) {
        this.front = front;
        this.forwards = forwards;
    }

    /** Starts the front-end if {@code fwd} has a dynamic {@code -R}; otherwise nothing runs. */
    public static DynamicExit start(Forwards fwd, Duration connectTimeout) {
        if (fwd.remote().stream().noneMatch(ForwardSpec::dynamic)) {
            return new DynamicExit(null, fwd);
        }
        AtomicInteger open = new AtomicInteger();
        SocksServer front = SocksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null,
                new DirectUpstream(fwd.exitPolicy(), connectTimeout, open), open, SocksOptions.defaults());
        int port = front.localAddress().getPort();
        List<ForwardSpec> remote = new ArrayList<>();
        for (ForwardSpec r : fwd.remote()) {
            if (r.dynamic()) {
                log.info("-R {}: dynamic (SOCKS5, SOCKS4a, HTTP); connections leave from this machine (via its "
                        + "front-end on 127.0.0.1:{})", r, port);
                remote.add(new ForwardSpec(r.bindHost(), r.bindPort(), "127.0.0.1", port));
            } else {
                remote.add(r);
            }
        }
        return new DynamicExit(front, new Forwards(fwd.local(), remote, fwd.exitPolicy()));
    }

    /** The forwards with every dynamic {@code -R} turned into an ordinary one to the front-end. */
    public Forwards forwards() {
        return forwards;
    }

    /** Dynamic connections still open. */
    public int openConnections() {
        return front == null ? 0 : front.openConnections();
    }

    /** No new dynamic connections (a drain); those open carry on. */
    public void stopAccepting() {
        if (front != null) {
            front.close();
        }
    }

    @Override
    public void close() {
        if (front != null) {
            front.closeAll();
        }
    }
}
