package dev.alknet.client.socks.udp;

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
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.ConnectionService;

/**
 * Opens one {@link UdpAssociationChannel} without blocking, within a timeout that covers waiting for the
 * session too. A server without the channel type answers {@code SSH_OPEN_UNKNOWN_CHANNEL_TYPE}, which the
 * SOCKS reply mapping turns into 0x07. As with {@code DirectTcpipOpener}, an open given up on is cancelled in
 * MINA, which closes the channel properly once the server answers.
 */
final class UdpChannelOpener {

    private final CompletableFuture<UdpAssociationChannel> result = new CompletableFuture<>();
    private final Duration timeout;
    private volatile OpenFuture openFuture;

    private UdpChannelOpener(Duration timeout) {
        this.timeout = timeout;
    }

    /** @param openChannels counts the channel from creation until it is closed */
    static UdpChannelOpener open(SessionProvider sessions, Duration timeout, ScheduledExecutorService timer,
            AtomicInteger openChannels) {
        UdpChannelOpener opener = new UdpChannelOpener(timeout);
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
                opener.openOn(s, openChannels);
            }
        });
        return opener;
    }

    CompletableFuture<UdpAssociationChannel> result() {
        return result;
    }

    /** The SOCKS client is gone: give up on the open. */
    void cancel() {
        if (result.cancel(false)) {
            abandon();
        }
    }

    private void openOn(ClientSession session, AtomicInteger openChannels) {
        if (result.isDone()) {
            return;
        }
        UdpAssociationChannel channel = new UdpAssociationChannel();
        try {
            ConnectionService service = session.getService(ConnectionService.class);
            if (service == null) {
                throw new IOException("no connection service on " + session);
            }
            service.registerChannel(channel);
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e); // session closing or closed
            return;
        }
        openChannels.incrementAndGet();
        channel.addCloseFutureListener(f -> openChannels.decrementAndGet());
        try {
            OpenFuture f = channel.open();
            openFuture = f;
            f.addListener(done -> {
                if (done.isOpened()) {
                    if (!result.complete(channel)) {
                        channel.close(false); // confirmed just after we gave up
                    }
                } else if (!done.isCanceled()) {
                    Throwable e = done.getException();
                    result.completeExceptionally(e != null ? e : new IOException("channel open failed"));
                }
            });
            if (result.isDone()) {
                f.cancel();
            }
        } catch (IOException | RuntimeException e) {
            channel.close(true);
            result.completeExceptionally(e);
        }
    }

    private void timeOut() {
        Exception e = openFuture == null
                ? new TunnelDownException("no SSH session within " + timeout)
                : new TimeoutException("no answer to the channel open within " + timeout);
        if (result.completeExceptionally(e)) {
            abandon();
        }
    }

    private void abandon() {
        OpenFuture f = openFuture;
        if (f != null) {
            f.cancel();
        }
    }
}
