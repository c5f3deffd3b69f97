package dev.alknet.client.socks;

import dev.alknet.core.metrics.AlknetMetrics;
import dev.alknet.client.SessionProvider;
import dev.alknet.client.TunnelDownException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import dev.alknet.core.channel.RelayDirectTcpip;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * Opens one {@code direct-tcpip} channel without blocking: waits for a session, sends the open, and completes
 * {@link #result()} when the server confirms, i.e. after it has dialled the destination.
 *
 * <p>Fails with what went wrong: the session provider's exception, the server's
 * {@link org.apache.sshd.common.channel.exception.SshChannelOpenException}, {@link TunnelDownException} if
 * no session came within the timeout, or {@link TimeoutException} if the server did not answer in time.
 * A timed-out or cancelled open is cancelled in MINA rather than closed: MINA then closes the channel
 * properly once the server answers, whereas closing it now would make a late confirmation hit an unknown
 * channel and leave the server's side of it open.
 *
 * <p>Public because {@code -L} forwards ({@code dev.alknet.client.forward}) open their channels with it too.
 */
public final class DirectTcpipOpener {

    private final CompletableFuture<RelayDirectTcpip> result = new CompletableFuture<>();
    private final AtomicInteger openRelays;
    private final Duration timeout;
    private volatile OpenFuture openFuture;

    private DirectTcpipOpener(AtomicInteger openRelays, Duration timeout) {
        this.openRelays = openRelays;
        this.timeout = timeout;
    }

    /**
     * @param originator the SOCKS client's address, sent as the channel's originator (never null: MINA would
     *                   look up the local host name instead)
     * @param target     the destination as the client named it; host names stay unresolved
     * @param timer      runs the timeout, e.g. the connection's event loop
     * @param openRelays counts channels from creation until MINA reports them closed
     */
    public static DirectTcpipOpener open(SessionProvider sessions, SshdSocketAddress originator, SshdSocketAddress target,
            Duration timeout, ScheduledExecutorService timer, AtomicInteger openRelays) {
        DirectTcpipOpener opener = new DirectTcpipOpener(openRelays, timeout);
        ScheduledFuture<?> t = timer.schedule(opener::timeOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
        opener.result.whenComplete((ch, err) -> t.cancel(false));
        CompletableFuture<ClientSession> session;
        try {
            session = sessions.session();
        } catch (RuntimeException e) {
            opener.result.completeExceptionally(e);
            return opener;
        }
        session.whenComplete((s, err) -> {
            if (err != null) {
                opener.result.completeExceptionally(err);
            } else {
                opener.openOn(s, originator, target);
            }
        });
        return opener;
    }

    public CompletableFuture<RelayDirectTcpip> result() {
        return result;
    }

    /** The SOCKS client is gone: give up on the open. */
    public void cancel() {
        if (result.cancel(false)) {
            abandonOpen();
        }
    }

    private void openOn(ClientSession session, SshdSocketAddress originator, SshdSocketAddress target) {
        if (result.isDone()) {
            return;
        }
        RelayDirectTcpip channel;
        try {
            ConnectionService service = session.getService(ConnectionService.class);
            if (service == null) {
                throw new IOException("no connection service on " + session);
            }
            channel = new RelayDirectTcpip(originator, target); // see RelayDirectTcpip for why
            service.registerChannel(channel);
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e); // session closing or closed
            return;
        }
        openRelays.incrementAndGet();
        channel.addCloseFutureListener(f -> openRelays.decrementAndGet());
        try {
            channel.setStreaming(StreamingChannel.Streaming.Async);
            long sent = System.nanoTime();
            OpenFuture f = channel.open();
            openFuture = f;
            f.addListener(done -> {
                if (done.isOpened()) {
                    AlknetMetrics.get().channelOpenLatency(System.nanoTime() - sent);
                }
                onOpenDone(done, channel);
            });
            if (result.isDone()) {
                f.cancel(); // timed out or cancelled while we were sending the open
            }
        } catch (IOException | RuntimeException e) {
            channel.close(true); // never confirmed: nothing to tell the server
            result.completeExceptionally(e);
        }
    }

    private void onOpenDone(OpenFuture f, RelayDirectTcpip channel) {
        if (f.isOpened()) {
            if (!result.complete(channel)) {
                channel.close(false); // confirmed just after we gave up
            }
        } else if (!f.isCanceled()) {
            Throwable e = f.getException();
            result.completeExceptionally(e != null ? e : new IOException("channel open failed"));
        }
    }

    private void timeOut() {
        Exception e = openFuture == null
                ? new TunnelDownException("no SSH session within " + timeout)
                : new TimeoutException("no answer to the channel open within " + timeout);
        if (result.completeExceptionally(e)) {
            abandonOpen();
        }
    }

    private void abandonOpen() {
        OpenFuture f = openFuture;
        if (f != null) {
            f.cancel();
        }
    }
}
