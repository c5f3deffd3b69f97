package dev.alknet.client.forward;

import dev.alknet.client.TunnelSupervisor;
import dev.alknet.core.config.HostPort;
import dev.alknet.core.forward.RemoteForwarding;
import dev.alknet.core.ssh.SshSession;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code -R} forwards registered: sends {@code tcpip-forward} for each on every new session (a
 * reconnect starts with none), off the reconnect thread since each request waits for the server's reply. The
 * server's connections then arrive as {@code forwarded-tcpip} channels (core's {@code ForwardedTcpipChannels}).
 *
 * <p>A refused forward is retried on the same session, 5 s → 60 s apart: after a network cut the server may
 * still hold the port for the old session until its keepalive reaps it, and the forward must come back by
 * itself once it does. The first refusal per session is logged as an error naming the likely cause.
 */
public final class RemoteForwarder implements TunnelSupervisor.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RemoteForwarder.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration MAX_RETRY = Duration.ofSeconds(60);

    private final List<ForwardSpec> specs;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alknet-remote-forward");
        t.setDaemon(true);
        return t;
    });
    /** Forwards the server accepted on {@link #session}, with the address it listens on. */
    private final Map<ForwardSpec, HostPort> bound = new ConcurrentHashMap<>();
    private volatile SshSession session;
    private volatile boolean stopped;

    public RemoteForwarder(List<ForwardSpec> specs) {
        this.specs = List.copyOf(specs);
    }

    @Override
    public void sessionUp(SshSession s) {
        if (specs.isEmpty() || stopped) {
            return;
        }
        session = s;
        bound.clear();
        executor.execute(() -> register(s, specs, FIRST_RETRY, true));
    }

    /** The server addresses of the forwards registered on the current session. */
    public Map<ForwardSpec, HostPort> bound() {
        return Map.copyOf(bound);
    }

    private void register(SshSession s, List<ForwardSpec> pending, Duration retryIn, boolean first) {
        List<ForwardSpec> failed = new ArrayList<>();
        for (ForwardSpec spec : pending) {
            if (stopped || s != session || !s.isOpen()) {
                return;
            }
            HostPort listen = new HostPort(serverBindHost(spec), spec.bindPort());
            try {
                HostPort b = RemoteForwarding.request(s, listen, new HostPort(spec.targetHost(), spec.targetPort()));
                bound.put(spec, b);
                log.info("-R {}: server listening on {}:{}", spec, ForwardSpec.bracket(b.host()), b.port());
            } catch (IOException | RuntimeException e) {
                failed.add(spec);
                if (first) {
                    log.error("-R {}: {}; retrying every {}-{} s", spec, explain(listen, e), retryIn.toSeconds(),
                            MAX_RETRY.toSeconds());
                } else {
                    log.debug("-R {}: still refused: {}", spec, e.toString());
                }
            }
        }
        if (!failed.isEmpty() && !stopped && s == session && s.isOpen()) {
            Duration next = retryIn.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryIn.multipliedBy(2);
            executor.schedule(() -> register(s, failed, next, false), retryIn.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** OpenSSH's choices: no bind address means the server's loopback, '*' or empty every interface. */
    static String serverBindHost(ForwardSpec spec) {
        return spec.bindHost() == null ? "localhost" : spec.bindHost();
    }

    private static String explain(HostPort listen, Exception e) {
        String where = (listen.host().isEmpty() ? "*" : ForwardSpec.bracket(listen.host())) + ":" + listen.port();
        if (e instanceof SocketTimeoutException || e.getCause() instanceof SocketTimeoutException) {
            return "no answer from the server to listening on " + where;
        }
        if (e instanceof RemoteForwarding.Refused) {
            // SSH carries no reason for a refused tcpip-forward: name the usual ones.
            return "server refused to listen on " + where + " (an alknet server listens only on loopback"
                    + " unless started with --allow-remote-bind, and below port 1024 only where the key's permitlisten"
                    + " names the port; or the port is in use there)";
        }
        return "cannot listen on " + where + " on the server: " + e.getMessage();
    }

    /**
     * Asks the server to stop listening for the current session's forwards (part of a drain: no new
     * connections; the ones already forwarded carry on). Never waits for the server.
     */
    public void stopListening() {
        stopped = true;
        SshSession s = session;
        if (s == null || !s.isOpen()) {
            return;
        }
        for (Map.Entry<ForwardSpec, HostPort> e : bound.entrySet()) {
            try {
                RemoteForwarding.cancel(s, e.getValue());
            } catch (IOException | RuntimeException ex) {
                log.debug("-R {}: cancel failed: {}", e.getKey(), ex.toString());
            }
        }
        bound.clear();
    }

    @Override
    public void close() {
        stopped = true;
        executor.shutdownNow();
    }
}
