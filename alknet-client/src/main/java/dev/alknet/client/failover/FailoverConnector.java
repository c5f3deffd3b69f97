package dev.alknet.client.failover;

import dev.alknet.client.ConnectFailure;
import dev.alknet.client.SessionConnector;
import dev.alknet.client.TunnelConnector;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.ssh.SshSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several servers in order of preference (docs/operator-guide.md, "Several servers").
 *
 * <p>Every (re)connect tries them from the first, so the client is always on the most preferred server that
 * answers, and a later one is only used while the earlier ones fail. While on a later server, a probe every
 * {@code probeInterval} logs in to the earlier ones; when one answers and the current session carries no open
 * stream, that session is closed so that the supervisor's next connect lands on the preferred server. Streams in
 * flight are never cut for a move back: with streams always open the move waits for the next idle moment or the
 * next reconnect.
 */
public final class FailoverConnector implements SessionConnector {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverConnector.class);

    private final List<TunnelConnector> servers;
    private final ScheduledExecutorService prober;
    private volatile int currentIndex;
    private volatile SshSession currentSession;
    private volatile boolean preferredBackLogged;

    public FailoverConnector(List<TunnelConnector> servers, Duration probeInterval) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server");
        }
        this.servers = List.copyOf(servers);
        this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alknet-failback-probe");
            t.setDaemon(true);
            return t;
        });
        if (servers.size() > 1 && probeInterval != null && !probeInterval.isZero()) {
            long ms = probeInterval.toMillis();
            prober.scheduleWithFixedDelay(this::probePreferred, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** The per-server connectors, in order (to configure their SSH clients alike). */
    public List<TunnelConnector> connectors() {
        return servers;
    }

    @Override
    public SshSession connect() throws ConnectFailure {
        List<String> reasons = new ArrayList<>();
        ConnectFailure last = null;
        boolean allPermanent = true;
        for (int i = 0; i < servers.size(); i++) {
            try {
                SshSession s = servers.get(i).connect();
                if (i > 0) {
                    LOG.warn("on server {} of {}: {} ({})", i + 1, servers.size(), servers.get(i).server(),
                            String.join("; ", reasons));
                } else if (currentIndex > 0) {
                    LOG.info("back on the preferred server {}", servers.get(0).server());
                }
                currentIndex = i;
                currentSession = s;
                preferredBackLogged = false;
                return s;
            } catch (ConnectFailure f) {
                last = f;
                allPermanent &= f.permanent();
                reasons.add(f.getMessage());
            }
        }
        if (servers.size() == 1) {
            throw last;
        }
        // Permanent only if no server can ever work; the cause keeps the last one's (refused -> short backoff).
        throw new ConnectFailure("no server answered: " + String.join("; ", reasons), allPermanent, last.getCause());
    }

    @Override
    public ServerAddress server() {
        return servers.get(currentIndex).server();
    }

    /** 0 for the first (preferred) server. */
    public int currentIndex() {
        return currentIndex;
    }

    private void probePreferred() {
        int on = currentIndex;
        SshSession session = currentSession;
        if (on == 0 || session == null || !session.isOpen()) {
            return;
        }
        for (int i = 0; i < on; i++) {
            SshSession probe;
            try {
                probe = servers.get(i).connect();
            } catch (ConnectFailure f) {
                LOG.debug("preferred server {} still down: {}", servers.get(i).server(), f.getMessage());
                continue;
            } catch (RuntimeException e) {
                LOG.debug("probing {}", servers.get(i).server(), e);
                continue;
            }
            probe.close(true);
            int open = openChannels(session);
            if (open == 0) {
                LOG.info("preferred server {} answers again: leaving {}", servers.get(i).server(), server());
                session.close(false);
            } else if (!preferredBackLogged) {
                preferredBackLogged = true;
                LOG.info("preferred server {} answers again: moving back once the {} open streams on {} end",
                        servers.get(i).server(), open, server());
            }
            return;
        }
    }

    private static int openChannels(SshSession session) {
        return session.openChannels();
    }

    @Override
    public void close() {
        prober.shutdownNow();
        servers.forEach(TunnelConnector::close);
    }
}
