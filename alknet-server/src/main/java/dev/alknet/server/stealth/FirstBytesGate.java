package dev.alknet.server.stealth;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The stealth decision, made on the peer's first bytes before anything is sent: {@code SSH-2.0-} (all
 * eight bytes of it; a partial prefix waits for more) hands the stream to SSH, which only then sends its
 * own identification; anything else, or the end of the stream, goes to the web front with the bytes read
 * so far. A peer that stays silent until the deadline is closed without a byte, as nginx does.
 *
 * <p>The stream comes with autoRead off; this handler reads one buffer at a time until it can decide.
 * On SSH it stays in the pipeline while SSH attaches (bytes read meanwhile are added to what it holds),
 * then passes everything it holds to the SSH handler behind it and leaves.
 */
final class FirstBytesGate extends ChannelInboundHandlerAdapter {

    static final byte[] SSH_PREFIX = "SSH-2.0-".getBytes(StandardCharsets.US_ASCII);

    private final Consumer<Channel> ssh;
    private final Supplier<ChannelHandler> web;
    private final long deadline;
    private ByteBuf held;
    private ScheduledFuture<?> timer;
    private boolean decided;
    private boolean attaching;

    /**
     * @param ssh      attaches SSH to the stream (adds its handler last and starts reading); may close it
     * @param web      makes the web front's handler, which gets the held bytes
     * @param deadline System.nanoTime() by which the peer must have said enough to decide
     */
    FirstBytesGate(Consumer<Channel> ssh, Supplier<ChannelHandler> web, long deadline) {
        this.ssh = ssh;
        this.web = web;
        this.deadline = deadline;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        held = ctx.alloc().buffer(64);
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
            // closed on time-out: drop
            b.release();
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

    /** Whether {@code b} starts with {@code SSH-2.0-}: 1 yes, 0 cannot tell yet, -1 no. */
    static int sshPrefix(ByteBuf b) {
        int n = Math.min(b.readableBytes(), SSH_PREFIX.length);
        for (int i = 0; i < n; i++) {
            if (b.getByte(b.readerIndex() + i) != SSH_PREFIX[i]) {
                return -1;
            }
        }
        return n == SSH_PREFIX.length ? 1 : 0;
    }

    private void decide(ChannelHandlerContext ctx, boolean ended) {
        int verdict = sshPrefix(held);
        if (verdict == 0 && !ended) {
            return;
        }
        decided = true;
        timer.cancel(false);
        if (verdict > 0) {
            toSsh(ctx);
        } else {
            toWeb(ctx);
        }
    }

    private void toSsh(ChannelHandlerContext ctx) {
        attaching = true;
        ssh.accept(ctx.channel());
        attaching = false;
        if (!ctx.channel().isOpen() || ctx.isRemoved()) {
            return;
        }
        ByteBuf bytes = held;
        held = null;
        ctx.fireChannelRead(bytes);
        ctx.fireChannelReadComplete();
        ctx.pipeline().remove(this);
    }

    private void toWeb(ChannelHandlerContext ctx) {
        ctx.pipeline().addAfter(ctx.name(), "alknet-stealth-web", web.get());
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
