package dev.alknet.client.socks;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one SOCKS connection over its SSH channel; last handler of the pipeline once the request succeeded.
 *
 * <p>SOCKS client → SSH is done here: autoRead stays off, and the socket is read again only when the single
 * write MINA allows in flight has completed, so the remote window throttles the client. The client's FIN
 * becomes {@code asyncIn.close(false)}, which sends {@code SSH_MSG_CHANNEL_EOF} after the last data and
 * leaves the channel open for the answer. SSH → client is {@link SshToNettyPump}.
 *
 * <p>Closing: when both directions have ended, or the SSH channel closed and its last bytes were delivered,
 * both sides are closed; an error or reset on either side closes both at once.
 *
 * <p>Public because {@code -L} forwards ({@code dev.alknet.client.forward}) relay with it too.
 */
public final class SshChannelRelay extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SshChannelRelay.class);

    private final ChannelDirectTcpip ssh;
    private final IoOutputStream toSsh;
    /** Client bytes not yet written; holds the pipelined payload, then at most one read. */
    private final ArrayDeque<ByteBuf> pending;
    private final int maxChunk;
    private ChannelHandlerContext ctx;
    private SshToNettyPump pump;
    private boolean inputEnded;   // the client sent FIN
    private boolean writing;      // one asyncIn write in flight
    private boolean eofRequested; // asyncIn.close(false) called
    private boolean upstreamDone; // EOF delivered to SSH, or the SSH side can take no more
    private boolean downstreamDone; // everything from SSH delivered and our output shut down
    private boolean closed;

    public SshChannelRelay(ChannelDirectTcpip ssh, ArrayDeque<ByteBuf> pipelined, boolean inputEnded) {
        this.ssh = ssh;
        this.toSsh = ssh.getAsyncIn();
        this.pending = pipelined;
        this.inputEnded = inputEnded;
        // Chunks no larger than a packet: MINA copies whatever does not fit into the current packet.
        this.maxChunk = (int) Math.max(1024, Math.min(Integer.MAX_VALUE, ssh.getRemoteWindow().getPacketSize()));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ssh.addCloseFutureListener(f -> ctx.executor().execute(this::onSshClosed));
        pump = new SshToNettyPump(ssh, ctx.channel(), this::onDownstreamDone, this::abort);
        if (!ctx.channel().isActive()) {
            abort(null);
            return;
        }
        pump.start();
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
        pending.add(buf);
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

    private void writeNext() {
        if (closed || writing || eofRequested || upstreamDone) {
            return;
        }
        ByteBuf head = pending.peek();
        while (head != null && !head.isReadable()) {
            pending.poll().release();
            head = pending.peek();
        }
        if (head == null) {
            if (inputEnded) {
                sendEof();
            } else {
                ctx.read();
            }
            return;
        }
        ByteBuf current = head;
        int n = Math.min(current.readableBytes(), maxChunk);
        IoWriteFuture f;
        try {
            f = toSsh.writeBuffer(chunk(current, n));
        } catch (Exception e) {
            onWriteFailed(e);
            return;
        }
        writing = true;
        f.addListener(done -> ctx.executor().execute(() -> onWritten(done, current, n)));
    }

    /** A heap buffer is handed over as is (MINA copies it into the packet); a direct one is copied once. */
    private static Buffer chunk(ByteBuf head, int n) {
        if (head.hasArray()) {
            return new ByteArrayBuffer(head.array(), head.arrayOffset() + head.readerIndex(), n);
        }
        byte[] bytes = new byte[n];
        head.getBytes(head.readerIndex(), bytes);
        return new ByteArrayBuffer(bytes);
    }

    private void onWritten(IoWriteFuture f, ByteBuf head, int n) {
        writing = false;
        if (closed) {
            return; // 'pending' was released already
        }
        if (!f.isWritten()) {
            onWriteFailed(f.getException());
            return;
        }
        head.skipBytes(n);
        if (!head.isReadable() && pending.peek() == head) {
            pending.poll().release();
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
        toSsh.close(false).addListener(f -> ctx.executor().execute(() -> {
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
    }
}
