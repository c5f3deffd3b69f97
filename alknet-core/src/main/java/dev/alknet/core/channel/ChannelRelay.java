package dev.alknet.core.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one local socket over its {@code direct-tcpip} channel: the client's SOCKS connections (every dialect) and
 * {@code -L} connections. The two directions are the same halves the server's dialed channels use:
 * {@link SocketToChannel} (the socket's bytes and FIN into the channel) and {@link ChannelToSocket} (the channel's
 * bytes and EOF into the socket); this class owns the pair's ending.
 *
 * <p>The socket's FIN becomes {@code SSH_MSG_CHANNEL_EOF} after the last write, leaving the channel open for the
 * answer. When both directions have ended, or the SSH channel closed and its last bytes were delivered, both sides
 * are closed; an error or reset on either side closes both at once.
 */
public final class ChannelRelay implements SocketToChannel.Events, ChannelToSocket.Events {

    private static final Logger log = LoggerFactory.getLogger(ChannelRelay.class);

    private final RelayDirectTcpip ssh;
    private final ChannelDataWriter toSsh;
    private final SocketToChannel upstream;
    private final ChannelToSocket downstream;
    private ChannelHandlerContext ctx;
    private boolean upstreamDone;   // EOF delivered to SSH, or the SSH side can take no more
    private boolean downstreamDone; // everything from SSH delivered and the socket's output ended
    private boolean closed;

    private ChannelRelay(RelayDirectTcpip ssh, Channel socket, ArrayDeque<ByteBuf> pipelined, boolean inputEnded) {
        this.ssh = ssh;
        this.toSsh = new ChannelDataWriter(ssh, socket.eventLoop());
        this.upstream = new SocketToChannel(toSsh, this, pipelined, inputEnded);
        this.downstream = new ChannelToSocket(socket, ssh.receiveWindow(), () -> upstreamDone, this);
    }

    /**
     * The handler that relays {@code socket} over {@code ssh} from when it is added on: put it last in the socket's
     * pipeline (autoRead off), on the socket's event loop.
     *
     * @param pipelined bytes the socket sent before the relay (ownership passes here); they go first
     * @param inputEnded whether the socket's FIN was already seen
     */
    public static ChannelHandler handler(RelayDirectTcpip ssh, Channel socket, ArrayDeque<ByteBuf> pipelined,
            boolean inputEnded) {
        return new ChannelRelay(ssh, socket, pipelined, inputEnded).upstream;
    }

    @Override
    public void added(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ssh.addCloseFutureListener(f -> ctx.executor().execute(this::onSshClosed));
        if (!ctx.channel().isActive()) {
            abort(null);
            return;
        }
        ssh.attach(downstream, toSsh);
        upstream.start();
    }

    @Override
    public void inputEnded() {
        ssh.getAsyncIn().close(false).addListener(f -> ctx.executor().execute(() -> {
            upstreamDone = true;
            checkDone();
        }));
    }

    @Override
    public void channelWriteFailed(Throwable cause) {
        if (closed) {
            return;
        }
        if (ssh.isClosing()) {
            stopUpstream(); // the peer closed the channel; what it already sent is still being delivered
        } else {
            abort(cause);
        }
    }

    @Override
    public void socketFailed(Throwable cause) {
        abort(cause);
    }

    @Override
    public void socketClosed() {
        abort(null); // closed under us: reset by the client, or closeAll()
    }

    @Override
    public void socketWriteFailed(Throwable cause) {
        abort(cause);
    }

    @Override
    public void outputEnded(Throwable failure) {
        if (failure != null) {
            abort(failure);
            return;
        }
        downstreamDone = true;
        checkDone();
    }

    private void stopUpstream() {
        if (closed) {
            return;
        }
        if (!upstreamDone) {
            upstreamDone = true;
            upstream.discardInput();
        }
        checkDone();
    }

    private void onSshClosed() {
        if (!ssh.getSession().isOpen()) {
            // The session was given up (or shut down), not ended by the peer: the socket gets a reset, never a FIN
            // that an application could take for the end of the data (the kill switch's "resets, not a clean end").
            if (!closed && ctx.channel().isOpen()) {
                try {
                    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                } catch (ChannelException e) {
                    // the socket closed under us meanwhile (the peer's reset, a shutdown): nothing left to reset
                }
            }
            abort(null);
            return;
        }
        toSsh.close(true); // a write waiting for window would wait forever
        downstream.closed();
        stopUpstream();
    }

    private void checkDone() {
        if (closed || !downstreamDone || !upstreamDone) {
            return;
        }
        closed = true;
        log.debug("{} relay finished", ctx.channel());
        ssh.close(false);
        ctx.close();
    }

    private void abort(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (cause != null) {
            log.debug("{} relay aborted", ctx.channel(), cause);
        } else {
            log.debug("{} relay aborted: connection closed", ctx.channel());
        }
        downstream.stop();
        toSsh.close(true);
        upstream.stop();
        closeNow(ssh);
        ctx.close();
    }

    /**
     * Closes an open channel without delivering what is still queued. Not {@code ssh.close(true)}: MINA's immediate
     * close does not send {@code SSH_MSG_CHANNEL_CLOSE}, so the peer would keep its side (and the connection to the
     * destination) open. Dropping the output stream first keeps the graceful close from waiting for window space.
     */
    public static void closeNow(RelayDirectTcpip ssh) {
        ssh.getAsyncIn().close(true);
        ssh.close(false);
    }
}
