package dev.alknet.core.channel;

import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;

/**
 * Ends a relay socket's output: a FIN, with reading still possible. When the relay will read nothing more from
 * the socket (its FIN came in and everything read was passed on), the socket is closed instead: the peer sees
 * the same FIN, and it spares the {@code shutdownOutput()} path, where Netty builds an exception with a full
 * stack trace on every call (a few per cent of the CPU of a short connection under a connect-rate load;
 * docs/performance.md).
 */
public final class OutputEnd {

    private OutputEnd() {
    }

    /** Call on the socket's event loop, after its last write completed. */
    public static ChannelFuture of(DuplexChannel socket, boolean readingDone) {
        return readingDone && socket.isInputShutdown() ? socket.close() : socket.shutdownOutput();
    }
}
