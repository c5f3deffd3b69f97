package dev.alknet.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * "Hold the first bytes, then decide": what the server's stealth gates, its resume sniffer and the client's
 * strict-proof check share. The bytes read so far collect in {@link #held} (from handlerAdded until the
 * handler leaves, when what was not handed on is released); one deadline, armed in handlerAdded, calls
 * {@link #timedOut} unless the decision was made by then. What to decide, when to read and whom the bytes
 * go to is the subclass's. Unlike {@link ReadGate}, which holds every event until the first read and decides
 * nothing, this looks at the bytes.
 */
public abstract class FirstBytesHold extends ChannelInboundHandlerAdapter {

    private final int initialCapacity;
    /** The bytes read so far (a subclass may consume a prefix); null once handed on. */
    protected ByteBuf held;
    private ScheduledFuture<?> timer;

    protected FirstBytesHold(int initialCapacity) {
        this.initialCapacity = initialCapacity;
    }

    /** How long from handlerAdded the peer has until {@link #timedOut}, in nanoseconds (at handlerAdded). */
    protected abstract long timeoutNanos();

    /** Whether the decision was made: the deadline then does nothing. */
    protected abstract boolean decided();

    /** The deadline passed undecided (runs on the stream's loop). */
    protected abstract void timedOut(ChannelHandlerContext ctx);

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        held = ctx.alloc().buffer(initialCapacity);
        timer = ctx.executor().schedule(() -> {
            if (!decided()) {
                timedOut(ctx);
            }
        }, Math.max(0, timeoutNanos()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.cancel(false);
        if (held != null) {
            held.release();
            held = null;
        }
    }

    /** Adds {@code b} to what is held (and releases it). */
    protected final void hold(ByteBuf b) {
        held.writeBytes(b);
        b.release();
    }

    /** The decision is made: the deadline is off. */
    protected final void stopTimer() {
        timer.cancel(false);
    }

    /** Hands what is held past the reader index to the next handler (if anything), then leaves the pipeline. */
    protected final void handOnAndLeave(ChannelHandlerContext ctx) {
        ByteBuf bytes = held;
        held = null;
        if (bytes.isReadable()) {
            ctx.fireChannelRead(bytes);
            ctx.fireChannelReadComplete();
        } else {
            bytes.release();
        }
        ctx.pipeline().remove(this);
    }
}
