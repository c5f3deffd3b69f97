package dev.alknet.server.stealth;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every stealth decision shares: the stream comes with autoRead off; the gate reads one buffer at a time and
 * holds the bytes until {@link #decide} hands the stream to SSH ({@link #toSsh}) or to the web front
 * ({@link #toWeb}) with everything held. A peer still undecided at the deadline is closed without a byte, as
 * nginx does at its header timeout. While SSH attaches, bytes read meanwhile join what is held; then everything
 * held goes to the SSH handler behind the gate, and the gate leaves.
 */
abstract class HoldingGate extends ChannelInboundHandlerAdapter {

    private final Consumer<Channel> ssh;
    private final Supplier<ChannelHandler> web;
    private final long deadline;
    private final int initialCapacity;
    /** The bytes read so far (the subclass may consume a prefix before {@link #toSsh}). */
    protected ByteBuf held;
    private ScheduledFuture<?> timer;
    private boolean decided;
    private boolean attaching;

    /**
     * @param ssh      attaches SSH to the stream (adds its handler last and starts reading); may close it
     * @param web      makes the web front's handler, which gets the held bytes
     * @param deadline System.nanoTime() by which the peer must have said enough to decide
     */
    HoldingGate(Consumer<Channel> ssh, Supplier<ChannelHandler> web, long deadline, int initialCapacity) {
        this.ssh = ssh;
        this.web = web;
        this.deadline = deadline;
        this.initialCapacity = initialCapacity;
    }

    /**
     * Called after each read (and once more with {@code ended} when the peer half-closes): call {@link #toSsh} or
     * {@link #toWeb} once it is clear, or return to read more.
     */
    protected abstract void decide(ChannelHandlerContext ctx, boolean ended);

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        held = ctx.alloc().buffer(initialCapacity);
        timer = ctx.executor().schedule(() -> {
            if (!decided) {
                decided = true;
                ctx.close();
            }
        }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.cancel(false);
        if (held != null) {
            held.release();
            held = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf b)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (decided && !attaching) {
            b.release(); // closed on time-out: drop
            return;
        }
        held.writeBytes(b);
        b.release();
        if (!attaching) {
            decide(ctx, false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!decided) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !decided) {
            decide(ctx, true);
            // whoever got the stream (the web front, or SSH for a bare banner) gets the end of it too
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        decided = true;
        ctx.fireChannelInactive();
    }

    /** Hands the stream to SSH with what is held past the reader index. */
    protected final void toSsh(ChannelHandlerContext ctx) {
        decided = true;
        timer.cancel(false);
        attaching = true; // SSH may start reading at once: what arrives meanwhile joins the rest
        ssh.accept(ctx.channel());
        attaching = false;
        if (!ctx.channel().isOpen() || ctx.isRemoved()) {
            return;
        }
        passOnAndLeave(ctx);
    }

    /** Hands the stream to the web front with every byte held. */
    protected final void toWeb(ChannelHandlerContext ctx) {
        decided = true;
        timer.cancel(false);
        ctx.pipeline().addAfter(ctx.name(), "alknet-stealth-web", web.get());
        passOnAndLeave(ctx);
    }

    private void passOnAndLeave(ChannelHandlerContext ctx) {
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
