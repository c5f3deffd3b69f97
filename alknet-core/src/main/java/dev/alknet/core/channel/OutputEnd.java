package dev.alknet.core.channel;

import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;

/**
 * Ends a relay socket's output once its last write completed: a FIN, with reading still possible.
 *
 * <p>Why not just {@code shutdownOutput()}: Netty builds a {@code ChannelOutputShutdownException}, with a full stack
 * trace, on every call (to fail writes still queued, of which a relay has none by then): 4-5 % of the CPU of a short
 * connection under a connect-rate load (docs/performance.md). So: when the relay will read nothing more from the
 * socket, it is closed (the peer sees the same FIN); on epoll the FIN is sent with {@code shutdown(2)} directly, which
 * Netty's socket state records as well ({@code isOutputShutdown()}); other transports take Netty's way.
 */
public final class OutputEnd {

    private OutputEnd() {
    }

    /** Call on the socket's event loop, after its last write completed. */
    public static ChannelFuture of(DuplexChannel socket, boolean readingDone) {
        if (readingDone && socket.isInputShutdown()) {
            return socket.close();
        }
        if (socket instanceof AbstractEpollStreamChannel epoll && epoll.eventLoop().inEventLoop() && epoll.isActive()
                && epoll.fd() instanceof Socket fd) {
            try {
                fd.shutdown(false, true);
                return epoll.newSucceededFuture();
            } catch (IOException e) {
                return epoll.newFailedFuture(e);
            }
        }
        return socket.shutdownOutput();
    }
}
