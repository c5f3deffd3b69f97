package dev.alknet.core.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The socket→SSH half of a relay, the same on both ends (the client's SOCKS and {@code -L} sockets, the server's
 * destination sockets); last handler of the socket's pipeline, autoRead off.
 *
 * <p>Pipelined but bounded: while one write to SSH is in flight the socket is read on until
 * {@link RelayTuning#MAX_PENDING} bytes wait; when the write completes they all go out as the next one
 * ({@link ChannelDataWriter}, whose packets are in flight together). A write completes only once the transport took
 * it, which needs remote window, so the SSH channel's window still throttles the socket and a stream holds at most
 * about twice the bound in this direction. The socket's FIN is reported ({@link Events#inputEnded()}) once every byte
 * before it was written, so that the owner sends {@code SSH_MSG_CHANNEL_EOF} after the last data.
 *
 * <p>All state is confined to the socket's event loop. What ends the relay is the owner's business (the client's
 * {@link ChannelRelay}, the server's dialed channel); this half only reports.
 */
public final class SocketToChannel extends ChannelInboundHandlerAdapter {

    /** What the half reports to its owner. Called on the event loop. */
    public interface Events {
        /** The handler is in the pipeline (its context is set). */
        default void added(ChannelHandlerContext ctx) {
        }

        /** The socket sent FIN and every byte before it was written to SSH: send the EOF now. */
        void inputEnded();

        /** A write to SSH failed; the bytes read ahead are released. */
        void channelWriteFailed(Throwable cause);

        /** The socket reported an error. */
        void socketFailed(Throwable cause);

        /** The socket is closed (reset, or closed by us). */
        void socketClosed();
    }

    private final ChannelDataWriter out;
    private final Events events;
    /** Socket bytes not yet handed to the writer: a pipelined payload, then what was read meanwhile. */
    private final ArrayDeque<ByteBuf> pending;
    private int pendingBytes;
    private ChannelHandlerContext ctx;
    private boolean started;
    private boolean inputEnded;
    private boolean endReported;
    private boolean discarding; // SSH takes no more: read and drop, so that a close later is not a reset
    private boolean stopped;

    /**
     * @param pipelined bytes read before the relay started (ownership passes here); sent first
     * @param inputEnded whether the socket's FIN was already seen
     */
    public SocketToChannel(ChannelDataWriter out, Events events, ArrayDeque<ByteBuf> pipelined, boolean inputEnded) {
        this.out = out;
        this.events = events;
        this.pending = pipelined;
        for (ByteBuf b : pipelined) {
            pendingBytes += b.readableBytes();
        }
        this.inputEnded = inputEnded;
    }

    public SocketToChannel(ChannelDataWriter out, Events events) {
        this(out, events, new ArrayDeque<>(4), false);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        RelayTuning.applyReadAllocator(ctx.channel());
        events.added(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    /** Starts writing and reading. On the event loop, once the handler is added and SSH may carry data. */
    public void start() {
        started = true;
        pump();
    }

    /** SSH takes nothing more (the channel is closing): drop what waits and whatever the socket still sends. */
    public void discardInput() {
        if (stopped || discarding) {
            return;
        }
        discarding = true;
        releasePending();
        if (!inputEnded) {
            ctx.read();
        }
    }

    /** Stops for good without further events; the owner closes the socket. */
    public void stop() {
        stopped = true;
        releasePending();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (stopped) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            ctx.read(); // not ours (e.g. a proxy handler's leftover); keep the stream moving
            return;
        }
        if (discarding) {
            // The SSH side is gone but its last bytes may still be on their way out: keep draining the socket
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
        pump();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded = true;
            pump();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean wasStopped = stopped;
        stopped = true;
        releasePending();
        if (!wasStopped) {
            events.socketClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        events.socketFailed(cause);
    }

    private void pump() {
        if (!started || stopped || discarding || endReported) {
            return;
        }
        if (!out.busy() && pendingBytes > 0) {
            out.write(drainPending(), this::onWritten);
        }
        if (inputEnded) {
            if (!out.busy() && pendingBytes == 0 && !endReported) {
                endReported = true;
                events.inputEnded();
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
        if (stopped) {
            return;
        }
        if (failure != null) {
            releasePending();
            events.channelWriteFailed(failure);
        } else {
            pump();
        }
    }

    private void releasePending() {
        ByteBuf b;
        while ((b = pending.poll()) != null) {
            b.release();
        }
        pendingBytes = 0;
    }
}
