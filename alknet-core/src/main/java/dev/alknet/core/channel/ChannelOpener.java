package dev.alknet.core.channel;

import dev.alknet.core.config.HostPort;
import dev.alknet.core.metrics.AlknetMetrics;
import dev.alknet.core.ssh.SshSession;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.sshd.client.channel.AbstractClientChannel;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * Opens one client channel of any type without blocking: waits for a session, registers the channel, sends the open
 * and completes {@link #result()} when the server confirms (for {@code direct-tcpip}: after it dialled the
 * destination). Every channel alknet opens goes through here: SOCKS and {@code -L} ({@link #directTcpip}), the
 * server's {@code -R} connections ({@link #forwardedTcpip}), UDP associations and the embedded API ({@link #open}).
 *
 * <p>Fails with what went wrong: the session source's exception, the server's
 * {@link org.apache.sshd.common.channel.exception.SshChannelOpenException}, {@link SessionSource#noSession} if no
 * session came within the timeout, or {@link TimeoutException} if the server did not answer in time. A timed-out or
 * cancelled open is cancelled in MINA rather than closed: MINA then closes the channel properly once the server
 * answers, whereas closing it now would make a late confirmation hit an unknown channel and leave the server's side
 * of it open.
 */
public final class ChannelOpener<C extends AbstractClientChannel> {

    private final CompletableFuture<C> result = new CompletableFuture<>();
    private final Supplier<C> factory;
    private final boolean measured;
    private final AtomicInteger openChannels;
    private final Duration timeout;
    private final SessionSource sessions;
    private volatile OpenFuture openFuture;

    private ChannelOpener(SessionSource sessions, Supplier<C> factory, boolean measured, Duration timeout,
            AtomicInteger openChannels) {
        this.sessions = sessions;
        this.factory = factory;
        this.measured = measured;
        this.timeout = timeout;
        this.openChannels = openChannels;
    }

    /**
     * A {@code direct-tcpip} channel for {@link ChannelRelay}; its open latency goes to the metrics.
     *
     * @param originator the local client's address, sent as the channel's originator (never null: MINA would look up
     *                   the local host name instead)
     * @param target     the destination as the client named it; host names stay unresolved
     * @param timer      runs the timeout, e.g. the connection's event loop
     * @param openChannels counts channels from creation until MINA reports them closed
     */
    public static ChannelOpener<RelayDirectTcpip> directTcpip(SessionSource sessions, HostPort originator,
            HostPort target, Duration timeout, ScheduledExecutorService timer, AtomicInteger openChannels) {
        return start(new ChannelOpener<>(sessions, () -> {
            RelayDirectTcpip ch = new RelayDirectTcpip(address(originator), address(target));
            ch.setStreaming(StreamingChannel.Streaming.Async);
            return ch;
        }, true, timeout, openChannels), timer);
    }

    /**
     * A {@code forwarded-tcpip} channel for {@link ChannelRelay}: one connection a {@code -R} listener accepted.
     *
     * @param connected  the listener's address as the client asked for it, with the port it got (RFC 4254 §7.1)
     * @param originator the connecting peer's address
     */
    public static ChannelOpener<RelayDirectTcpip> forwardedTcpip(SessionSource sessions, HostPort connected,
            HostPort originator, Duration timeout, ScheduledExecutorService timer, AtomicInteger openChannels) {
        return start(new ChannelOpener<>(sessions, () -> {
            RelayDirectTcpip ch = new RelayDirectTcpip(RelayDirectTcpip.FORWARDED_TCPIP, address(originator),
                    address(connected));
            ch.setStreaming(StreamingChannel.Streaming.Async);
            return ch;
        }, false, timeout, openChannels), timer);
    }

    /** A channel made by {@code factory} (a new, unregistered channel per call). */
    public static <C extends AbstractClientChannel> ChannelOpener<C> open(SessionSource sessions, Supplier<C> factory,
            Duration timeout, ScheduledExecutorService timer, AtomicInteger openChannels) {
        return start(new ChannelOpener<>(sessions, factory, false, timeout, openChannels), timer);
    }

    private static <C extends AbstractClientChannel> ChannelOpener<C> start(ChannelOpener<C> opener,
            ScheduledExecutorService timer) {
        ScheduledFuture<?> t = timer.schedule(opener::timeOut, opener.timeout.toNanos(), TimeUnit.NANOSECONDS);
        opener.result.whenComplete((ch, err) -> t.cancel(false));
        CompletableFuture<SshSession> session;
        try {
            session = opener.sessions.session();
        } catch (RuntimeException e) {
            opener.result.completeExceptionally(e);
            return opener;
        }
        session.whenComplete((s, err) -> {
            if (err != null) {
                opener.result.completeExceptionally(err);
            } else {
                opener.openOn(s.mina());
            }
        });
        return opener;
    }

    private static SshdSocketAddress address(HostPort a) {
        return new SshdSocketAddress(a.host(), a.port());
    }

    public CompletableFuture<C> result() {
        return result;
    }

    /** The local client is gone: give up on the open. */
    public void cancel() {
        if (result.cancel(false)) {
            abandonOpen();
        }
    }

    private void openOn(Session session) {
        if (result.isDone()) {
            return;
        }
        C channel;
        try {
            ConnectionService service = session.getService(ConnectionService.class);
            if (service == null) {
                throw new IOException("no connection service on " + session);
            }
            channel = factory.get();
            service.registerChannel(channel);
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e); // session closing or closed
            return;
        }
        openChannels.incrementAndGet();
        channel.addCloseFutureListener(f -> openChannels.decrementAndGet());
        try {
            long sent = System.nanoTime();
            OpenFuture f = channel.open();
            openFuture = f;
            f.addListener(done -> {
                if (measured && done.isOpened()) {
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

    private void onOpenDone(OpenFuture f, C channel) {
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
                ? sessions.noSession(timeout)
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
