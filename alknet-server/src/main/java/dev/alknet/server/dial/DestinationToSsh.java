package dev.alknet.server.dial;

import dev.alknet.core.channel.ChannelDataWriter;
import dev.alknet.core.channel.RelayTuning;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The destination→SSH half of a relay, pipelined but bounded: while one write to SSH is in flight the destination is
 * read on until {@link RelayTuning#MAX_PENDING} bytes wait; when the write completes they all go out as the next one
 * ({@link ChannelDataWriter}, whose packets are in flight together). A write completes only once the transport took
 * it, which needs remote window, so the SSH channel's window still throttles the destination and a stream holds at
 * most about twice the bound. All state is confined to the destination channel's event loop.
 */
final class DestinationToSsh extends ChannelInboundHandlerAdapter {

    /** What the relay reports to its SSH channel. Called on the event loop. */
    interface Events {
        /** The destination sent FIN and every byte before it was written to SSH. */
        void inputEnded();

        /** Reset, I/O error, or an SSH write that failed. */
        void failed(Throwable cause);

        /** The destination socket is closed. */
        void closed();
    }

    private final ChannelDataWriter out;
    private final Events events;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(4);
    private int pendingBytes;
    private ChannelHandlerContext ctx;
    private boolean started;
    private boolean inputEnded;
    private boolean endReported;
    private boolean inactive;

    DestinationToSsh(ChannelDataWriter out, Events events) {
        this.out = out;
        this.events = events;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        RelayTuning.applyReadAllocator(ctx.channel());
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    /** Starts reading; call only after SSH_MSG_CHANNEL_OPEN_CONFIRMATION has been queued. */
    void start() {
        ctx.executor().execute(() -> {
            started = true;
            pump();
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            ctx.read(); // not ours (e.g. a proxy handler's leftover); keep the stream moving
            return;
        }
        if (inactive || !buf.isReadable()) {
            buf.release();
        } else {
            pending.add(buf);
            pendingBytes += buf.readableBytes();
        }
        pump();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            inputEnded = true;
            pump();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        releasePending();
        events.closed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        events.failed(cause);
    }

    private void pump() {
        if (!started || inactive) {
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
            ctx.read();
        }
    }

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
        if (failure != null) {
            releasePending();
            events.failed(failure);
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
