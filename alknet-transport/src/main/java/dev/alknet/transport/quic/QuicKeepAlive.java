package dev.alknet.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an idle QUIC connection alive: the codec exposes no PING frame, so every {@code interval} the
 * client sends a one-byte DATAGRAM frame, which is ack-eliciting. Receiving it restarts the server's idle
 * timer, its ACK restarts the client's, and it refreshes NAT bindings; the server drops it. Also installed
 * on the server side, where it only discards received datagrams (interval zero).
 */
final class QuicKeepAlive extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(QuicKeepAlive.class);

    private final Duration interval;
    private ScheduledFuture<?> timer;

    QuicKeepAlive(Duration interval) {
        this.interval = interval;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (timer != null || interval.isZero()) {
            return;
        }
        long ms = interval.toMillis();
        timer = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), ms, ms, TimeUnit.MILLISECONDS);
    }

    private void ping(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            stop();
            return;
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0})).addListener(f -> {
            if (!f.isSuccess()) {
                stop(); // the peer did not negotiate DATAGRAM: nothing to keep alive with
            }
        });
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Last in the connection's pipeline. Handshake failures reach the dialer through the connect
        // future, stream errors the stream's own pipeline: nothing is left to do here but not warn.
        log.debug("{}: {}", ctx.channel(), cause.toString());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf datagram) {
            datagram.release(); // a keep-alive; streams arrive as QuicStreamChannel messages and pass on
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
