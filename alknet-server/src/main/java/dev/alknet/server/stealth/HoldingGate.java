package dev.alknet.server.stealth;

import dev.alknet.transport.FirstBytesHold;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every stealth decision shares (the SSH gates and {@link WsRoute}): the stream comes with autoRead off; the
 * gate reads one buffer at a time and holds the bytes until {@link #decide} hands the stream to its route
 * ({@link #toRoute}: SSH, or the WebSocket Upgrade) or to the web front ({@link #toWeb}) with everything held. A
 * peer still undecided at the deadline is closed without a byte, as nginx does at its header timeout. While the
 * route attaches, bytes read meanwhile join what is held; then everything held goes to the route's handler behind
 * the gate, and the gate leaves. Holding and the deadline: {@link FirstBytesHold}.
 */
abstract class HoldingGate extends FirstBytesHold {

    private final Consumer<Channel> route;
    private final Supplier<ChannelHandler> web;
    private final String webName;
    private final long deadline;
    private boolean decided;
    private boolean attaching;

    /**
     * @param route    attaches the other route to the stream, SSH or the Upgrade (adds its handler last and starts
     *                 reading); may close it
     * @param web      makes the web front's handler, which gets the held bytes
     * @param webName  the name of that handler in the pipeline
     * @param deadline System.nanoTime() by which the peer must have said enough to decide
     */
    HoldingGate(Consumer<Channel> route, Supplier<ChannelHandler> web, String webName, long deadline,
            int initialCapacity) {
        super(initialCapacity);
        this.route = route;
        this.web = web;
        this.webName = webName;
        this.deadline = deadline;
    }

    /**
     * Called after each read (and once more with {@code ended} when the peer half-closes): call {@link #toSsh} or
     * {@link #toWeb} once it is clear, or return to read more.
     */
    protected abstract void decide(ChannelHandlerContext ctx, boolean ended);

    @Override
    protected long timeoutNanos() {
        return deadline - System.nanoTime();
    }

    @Override
    protected boolean decided() {
        return decided;
    }

    @Override
    protected void timedOut(ChannelHandlerContext ctx) {
        decided = true;
        ctx.close();
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
        hold(b);
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

    /** Hands the stream to the route (SSH, or the Upgrade) with what is held past the reader index. */
    protected final void toRoute(ChannelHandlerContext ctx) {
        decided = true;
        stopTimer();
        attaching = true; // the route may start reading at once: what arrives meanwhile joins the rest
        route.accept(ctx.channel());
        attaching = false;
        if (!ctx.channel().isOpen() || ctx.isRemoved()) {
            return;
        }
        handOnAndLeave(ctx);
    }

    /** Hands the stream to the web front with every byte held. */
    protected final void toWeb(ChannelHandlerContext ctx) {
        decided = true;
        stopTimer();
        ctx.pipeline().addAfter(ctx.name(), webName, web.get());
        handOnAndLeave(ctx);
    }
}
