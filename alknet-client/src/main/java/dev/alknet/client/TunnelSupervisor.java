package dev.alknet.client;

import dev.alknet.core.ssh.SshSession;
import dev.alknet.transport.resume.ResumeStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one SSH session to the server up: connects, notices when the session dies, reconnects with
 * backoff, and hands the current session to whoever opens a stream. A permanent failure (key refused,
 * host key changed) stops it and completes {@link #fatal()}.
 */
public final class TunnelSupervisor implements SessionProvider, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelSupervisor.class);

    /** Told whenever a session comes up (remote forwards are registered again here). */
    public interface Listener {
        void sessionUp(SshSession session) throws Exception;
    }

    private final SessionConnector connector;
    private final Duration connectWait;
    private final ReconnectDelay delays = new ReconnectDelay();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alknet-reconnect");
        t.setDaemon(true);
        return t;
    });
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<ConnectFailure> fatal = new CompletableFuture<>();
    private volatile CompletableFuture<SshSession> current = new CompletableFuture<>();
    private volatile boolean closed;
    private volatile String lastError;
    private static final long REPEAT_WARN_NANOS = TimeUnit.SECONDS.toNanos(60);
    private volatile long lastWarnNanos;
    private volatile long upSinceNanos;
    private volatile long downSinceNanos = System.nanoTime();

    public TunnelSupervisor(SessionConnector connector, Duration connectWait) {
        this.connector = connector;
        this.connectWait = connectWait;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void start() {
        scheduler.execute(this::attempt);
    }

    /** Completes with the failure that made the supervisor give up for good. */
    public CompletableFuture<ConnectFailure> fatal() {
        return fatal;
    }

    public String lastError() {
        return lastError;
    }

    /** The current session if up, else waits up to connect-wait for one. */
    @Override
    public CompletableFuture<SshSession> session() {
        CompletableFuture<SshSession> c = current;
        SshSession now = upOrNull(c);
        if (now != null && now.isOpen()) {
            var resuming = now.resumable();
            if (resuming == null || !resuming.detached()) {
                return CompletableFuture.completedFuture(now);
            }
            // the carrier is being replaced: a new stream waits for it as it would for a new session
            return resuming.whenAttached().thenApply(v -> now)
                    .orTimeout(connectWait.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(new TunnelDownException(
                            e instanceof TimeoutException ? "tunnel resuming for " + connectWait.toSeconds() + " s"
                                    : "tunnel lost while resuming")));
        }
        if (closed || fatal.isDone()) {
            return CompletableFuture.failedFuture(new TunnelDownException("tunnel is "
                    + (closed ? "shut down" : "stopped: " + fatal.join().getMessage())));
        }
        return c.copy().orTimeout(connectWait.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(e ->
                CompletableFuture.failedFuture(e instanceof TimeoutException
                        ? new TunnelDownException("tunnel down for " + connectWait.toSeconds() + " s"
                                + (lastError == null ? "" : ": " + lastError))
                        : e));
    }

    private void attempt() {
        if (closed) {
            return;
        }
        SshSession session;
        try {
            session = connector.connect();
        } catch (ConnectFailure f) {
            String previous = lastError;
            lastError = f.getMessage();
            if (f.permanent()) {
                LOG.error("{}", f.getMessage());
                fatal.complete(f);
                current.completeExceptionally(new TunnelDownException(f.getMessage()));
                return;
            }
            Duration delay = delays.afterFailure(f);
            // While a server is down the same line would repeat every 1-2 s: say it once a minute.
            long now = System.nanoTime();
            if (!f.getMessage().equals(previous) || now - lastWarnNanos > REPEAT_WARN_NANOS) {
                lastWarnNanos = now;
                LOG.warn("{}; retrying in {} ms", f.getMessage(), delay.toMillis());
            } else {
                LOG.debug("{}; retrying in {} ms", f.getMessage(), delay.toMillis());
            }
            scheduler.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        boolean again = upSinceNanos != 0;
        upSinceNanos = System.nanoTime();
        if (again) {
            LOG.info("tunnel up again: {} after {} ms down", connector.server(),
                    (upSinceNanos - downSinceNanos) / 1_000_000);
        } else {
            LOG.info("tunnel up: {} ({})", connector.server(), session.peerVersion());
        }
        lastError = null;
        // Published before the close listener is added: a session that dies at once is then noticed
        // (the listener runs immediately) instead of being handed out while closed.
        current.complete(session);
        if (closed) {
            session.close(true); // shut down while this attempt was connecting
            return;
        }
        session.onClose(() -> onClosed(session));
        for (Listener l : listeners) {
            try {
                l.sessionUp(session);
            } catch (Exception e) {
                LOG.warn("after connecting: {}", e.getMessage());
            }
        }
    }

    private void onClosed(SshSession session) {
        if (closed || upOrNull(current) != session) {
            return;
        }
        current = new CompletableFuture<>();
        downSinceNanos = System.nanoTime();
        Duration delay = serverAnsweredResume(session) ? Duration.ZERO
                : delays.afterLoss(Duration.ofNanos(downSinceNanos - upSinceNanos));
        LOG.warn("tunnel lost; reconnecting in {} ms", delay.toMillis());
        scheduler.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the session ended because the server answered its resume with "unknown session": the server is up and
     * reachable this moment (restarted, or its grace ended), so the new session is dialled at once.
     */
    private static boolean serverAnsweredResume(SshSession session) {
        var stream = session.resumable();
        return stream != null && stream.failure() == ResumeStats.Cause.UNKNOWN_SESSION;
    }

    /** The session a future holds, or null if it is pending or failed (getNow would throw after a fatal failure). */
    private static SshSession upOrNull(CompletableFuture<SshSession> f) {
        return f.isDone() && !f.isCompletedExceptionally() ? f.getNow(null) : null;
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        SshSession s = upOrNull(current);
        current.completeExceptionally(new TunnelDownException("tunnel is shut down"));
        if (s != null) {
            // Bounded, then forced: a channel whose peer still has data queued for it can hold a graceful
            // close open, and shutting down must not take long (SIGTERM: exit within 5 s).
            s.closeWithin(Duration.ofMillis(500));
        }
        connector.close();
    }
}
