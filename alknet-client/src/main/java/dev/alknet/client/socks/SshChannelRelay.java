package dev.alknet.client.socks;

import dev.alknet.core.channel.ChannelDataWriter;
import dev.alknet.core.channel.RelayTuning;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one SOCKS connection over its SSH channel; last handler of the pipeline once the request succeeded.
 *
 * <p>SOCKS client → SSH is done here, pipelined but bounded: autoRead stays off; while one write to SSH is in
 * flight the socket is read on until {@link RelayTuning#MAX_PENDING} bytes wait, and when the write completes all
 * of them go out as the next write ({@link ChannelDataWriter}: its packets are in flight together). Reading stops at
 * the bound, and a write completes only when the transport took it, which needs remote window: so the remote window
 * still throttles the client, and a stream holds at most about twice the bound in this direction. The client's FIN
 * becomes {@code asyncIn.close(false)} after the last write, which sends {@code SSH_MSG_CHANNEL_EOF} and leaves the
 * channel open for the answer. SSH → client is {@link SshToNettyPump}.
 *
 * <p>Closing: when both directions have ended, or the SSH channel closed and its last bytes were delivered,
 * both sides are closed; an error or reset on either side closes both at once.
 *
 * <p>Public because {@code -L} forwards ({@code dev.alknet.client.forward}) relay with it too.
 */
public final class SshChannelRelay extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SshChannelRelay.class);

    private final RelayDirectTcpip ssh;
    /** Client bytes not yet handed to the writer: the pipelined payload, then what was read meanwhile. */
    private final ArrayDeque<ByteBuf> pending;
    private int pendingBytes;
    private ChannelHandlerContext ctx;
    private ChannelDataWriter toSsh;
    private SshToNettyPump pump;
    private boolean inputEnded;   // the client sent FIN
    private boolean eofRequested; // asyncIn.close(false) called
    private boolean upstreamDone; // EOF delivered to SSH, or the SSH side can take no more
    private boolean downstreamDone; // everything from SSH delivered and our output shut down
    private boolean closed;

    /** {@code ssh} must come from {@link DirectTcpipOpener} (a {@link RelayDirectTcpip}). */
    public SshChannelRelay(ChannelDirectTcpip ssh, ArrayDeque<ByteBuf> pipelined, boolean inputEnded) {
        if (!(ssh instanceof RelayDirectTcpip relayChannel)) {
            throw new IllegalArgumentException("not opened by DirectTcpipOpener: " + ssh);
        }
        this.ssh = relayChannel;
        this.pending = pipelined;
        for (ByteBuf b : pipelined) {
            pendingBytes += b.readableBytes();
        }
        this.inputEnded = inputEnded;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        RelayTuning.applyReadAllocator(ctx.channel());
        toSsh = new ChannelDataWriter(ssh, ctx.executor());
        ssh.addCloseFutureListener(f -> ctx.executor().execute(this::onSshClosed));
        pump = new SshToNettyPump(ssh, ctx.channel(), this::onDownstreamDone, this::abort, () -> upstreamDone);
        if (!ctx.channel().isActive()) {
            abort(null);
            return;
        }
        ssh.attach(pump, toSsh);
        writeNext();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (upstreamDone) {
            // The SSH side is gone but its last bytes are still being delivered: keep draining the client
            // meanwhile, so closing later does not turn unread input into a reset that kills those bytes.
            buf.release();
            ctx.read();
            return;
        }
        if (!buf.isReadable()) {
            buf.release();
        } else {
            pending.add(buf);
            pendingBytes += buf.readableBytes();
        }
        writeNext();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded = true;
            writeNext();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        abort(null); // closed under us: reset by the client, or closeAll()
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        abort(cause);
    }

    /** Starts the next write if none is in flight, and reads on while below the bound. */
    private void writeNext() {
        if (closed || eofRequested || upstreamDone) {
            return;
        }
        if (!toSsh.busy() && pendingBytes > 0) {
            ByteBuf batch = drainPending();
            toSsh.write(batch, this::onWritten);
        }
        if (inputEnded) {
            if (!toSsh.busy() && pendingBytes == 0) {
                sendEof();
            }
        } else if (pendingBytes < RelayTuning.MAX_PENDING) {
            ctx.read(); // a read already requested is not requested twice
        }
    }

    /** All pending buffers as one, without copying. */
    private ByteBuf drainPending() {
        ByteBuf batch;
        if (pending.size() == 1) {
            batch = pending.poll();
        } else {
            CompositeByteBuf c = ctx.alloc().compositeBuffer(pending.size());
            ByteBuf b;
            while ((b = pending.poll()) != null) {
                c.addComponent(true, b);
            }
            batch = c;
        }
        pendingBytes = 0;
        return batch;
    }

    private void onWritten(Throwable failure) {
        if (closed) {
            return;
        }
        if (failure != null) {
            onWriteFailed(failure);
            return;
        }
        writeNext();
    }

    private void onWriteFailed(Throwable e) {
        if (ssh.isClosing()) {
            stopUpstream(); // the server closed the channel; what it already sent is still being delivered
        } else {
            abort(e);
        }
    }

    private void sendEof() {
        eofRequested = true;
        ssh.getAsyncIn().close(false).addListener(f -> ctx.executor().execute(() -> {
            upstreamDone = true;
            checkDone();
        }));
    }

    private void stopUpstream() {
        if (closed) {
            return;
        }
        if (!upstreamDone) {
            upstreamDone = true;
            releasePending();
            if (!inputEnded) {
                ctx.read();
            }
        }
        checkDone();
    }

    private void onSshClosed() {
        toSsh.close(true); // a write waiting for window would wait forever
        pump.closed();
        stopUpstream();
    }

    private void onDownstreamDone() {
        downstreamDone = true;
        checkDone();
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
        if (pump != null) {
            pump.stop();
        }
        if (toSsh != null) {
            toSsh.close(true);
        }
        releasePending();
        closeSshNow(ssh);
        ctx.close();
    }

    /**
     * Closes an open channel without delivering what is still queued. Not {@code ssh.close(true)}: MINA's
     * immediate close does not send {@code SSH_MSG_CHANNEL_CLOSE}, so the server would keep its side (and
     * the connection to the destination) open. Dropping the output stream first keeps the graceful close
     * from waiting for window space.
     */
    public static void closeSshNow(ChannelDirectTcpip ssh) {
        ssh.getAsyncIn().close(true);
        ssh.close(false);
    }

    private void releasePending() {
        ByteBuf b;
        while ((b = pending.poll()) != null) {
            b.release();
        }
        pendingBytes = 0;
    }
}
