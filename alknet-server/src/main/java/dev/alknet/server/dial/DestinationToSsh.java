package dev.alknet.server.dial;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.threads.ThreadUtils;

/**
 * The destination→SSH half of a relay: reads the destination socket only when the previous SSH write has completed,
 * so the SSH channel's remote window throttles the destination and nothing piles up in memory. All state is confined
 * to the destination channel's event loop.
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

    private final IoOutputStream out;
    private final Events events;
    // With AUTO_READ off Netty delivers one buffer per read(); the queue only guards against a transport that does not.
    private final ArrayDeque<Buffer> pending = new ArrayDeque<>(2);
    private ChannelHandlerContext ctx;
    private boolean writing;
    private boolean inputEnded;
    private boolean endReported;

    DestinationToSsh(IoOutputStream out, Events events) {
        this.out = out;
        this.events = events;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Starts reading; call only after SSH_MSG_CHANNEL_OPEN_CONFIRMATION has been queued. */
    void start() {
        ctx.executor().execute(this::pump);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            ctx.read(); // not ours (e.g. a proxy handler's leftover); keep the stream moving
            return;
        }
        try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            pending.add(new ByteArrayBuffer(bytes));
        } finally {
            buf.release();
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
        pending.clear();
        events.closed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        events.failed(cause);
    }

    private void pump() {
        if (writing || (!ctx.channel().isActive() && pending.isEmpty() && !inputEnded)) {
            return;
        }
        Buffer next = pending.poll();
        if (next != null) {
            writing = true;
            write(next);
        } else if (inputEnded) {
            if (!endReported) {
                endReported = true;
                events.inputEnded();
            }
        } else {
            ctx.read();
        }
    }

    private void write(Buffer buf) {
        IoWriteFuture written;
        try {
            // Marked internal so MINA queues the packet during a key exchange instead of parking this event loop
            // (KeyExchangeMessageHandler blocks non-internal threads that write channel data during KEX).
            written = ThreadUtils.runAsInternal(buf, out::writeBuffer);
        } catch (IOException | RuntimeException e) {
            writing = false;
            events.failed(e);
            return;
        }
        // Completion may arrive on a MINA thread; hop back so the state stays confined to the event loop.
        written.addListener(f -> ctx.executor().execute(() -> {
            writing = false;
            if (f.isWritten()) {
                pump();
            } else {
                pending.clear();
                events.failed(f.getException());
            }
        }));
    }
}
