package dev.alknet.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Keeps the "nothing read yet" promise of {@link Transport} although a handshake may read past its own
 * messages: a TLS record or proxy reply can arrive in the same segment as the peer's first bytes, and
 * {@code SslHandler} keeps reading after the handshake while autoRead is off. Placed last among a
 * transport's handlers, it holds every inbound event until the user's first {@code read()} (which is what
 * enabling autoRead does), replays them in order to the handlers after it, and leaves the pipeline.
 *
 * <p>What it holds goes with the pipeline if the stream dies before that first read: whoever takes a stream over
 * adds its handlers and enables reading in one task on the stream's loop ({@link EventLoops#runOnLoop}). Done from
 * another thread those are two tasks, and a stream reset between them never tells the new handlers it closed.
 */
public final class ReadGate extends ChannelDuplexHandler {

    /** The pipeline name transports give it, so handshake steps can be added before it. */
    public static final String NAME = "alknet-read-gate";

    private static final Object READ_COMPLETE = new Object();
    private static final Object INACTIVE = new Object();

    private record Event(Object event) {
    }

    private record Failure(Throwable cause) {
    }

    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private boolean open;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (open) {
            ctx.fireChannelRead(msg);
        } else {
            held.add(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (open) {
            ctx.fireChannelReadComplete();
        } else if (!held.isEmpty() && held.peekLast() != READ_COMPLETE) {
            held.add(READ_COMPLETE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!open && (evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete)) {
            held.add(new Event(evt));
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (open) {
            ctx.fireExceptionCaught(cause);
        } else {
            held.add(new Failure(cause));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (open) {
            ctx.fireChannelInactive();
        } else {
            held.add(INACTIVE);
        }
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!open) {
            open = true;
            replay(ctx);
            ctx.pipeline().remove(this);
        }
        ctx.read();
    }

    /** Number of held messages (data, not events); for tests. */
    int heldMessages() {
        return (int) held.stream().filter(o -> !(o == READ_COMPLETE || o == INACTIVE
                || o instanceof Event || o instanceof Failure)).count();
    }

    private void replay(ChannelHandlerContext ctx) {
        Object o;
        while ((o = held.poll()) != null) {
            if (o == READ_COMPLETE) {
                ctx.fireChannelReadComplete();
            } else if (o == INACTIVE) {
                ctx.fireChannelInactive();
            } else if (o instanceof Event e) {
                ctx.fireUserEventTriggered(e.event());
            } else if (o instanceof Failure f) {
                ctx.fireExceptionCaught(f.cause());
            } else {
                ctx.fireChannelRead(o);
            }
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Only non-empty if the channel went away before anyone asked to read: drop what was held.
        Object o;
        while ((o = held.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }
}
