package dev.alknet.client.socks;

import dev.alknet.core.config.HostPort;
import dev.alknet.core.metrics.AlknetMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CONNECT of every dialect (SOCKS5, SOCKS4/4a, HTTP CONNECT, plain HTTP): asks the context's {@link Upstream}
 * (the tunnel's {@code direct-tcpip} channel, or a dial from here for a dynamic {@code -R}), lets the {@link Dialect}
 * answer once the destination has, and hands the connection to the upstream's relay with whatever the client sent
 * meanwhile. Put it in the pipeline in place of the dialect's request handler; it starts the open when added.
 */
public final class ConnectStage extends ChannelInboundHandlerAdapter {

    /** How a dialect answers. Both run on the connection's event loop. */
    public interface Dialect {
        /**
         * The channel is open: write the success reply, if the dialect has one, and remove the dialect's codecs
         * (a decoder's leftover bytes reach this stage on removal and go to the destination first).
         */
        void succeeded(ChannelHandlerContext ctx);

        /** The open failed; {@code status} is what SOCKS5 would answer. Reply and close. */
        void failed(ChannelHandlerContext ctx, Socks5CommandStatus status, Throwable cause);
    }

    /** The name of the pipeline's request handler, which every dialect uses and this stage replaces. */
    public static final String HANDLER = SocksServerInitializer.HANDLER;

    private static final Logger log = LoggerFactory.getLogger(ConnectStage.class);
    /** Payload accepted while the channel opens; past this, reading waits for the relay. */
    private static final int MAX_EARLY_BYTES = 64 * 1024;

    private final SocksContext context;
    private final HostPort target;
    private final Dialect dialect;
    private ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    private int earlyBytes;
    private boolean inputEnded;
    private Upstream.Opening opener;

    /**
     * @param prefix bytes to send to the destination before anything the client sends (a rewritten HTTP
     *               request head), or null; ownership passes here
     */
    public ConnectStage(SocksContext context, HostPort target, Dialect dialect, ByteBuf prefix) {
        this.context = context;
        this.target = target;
        this.dialect = dialect;
        if (prefix != null) {
            early.add(prefix);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.pipeline().get(SocksServerInitializer.TIMEOUT) != null) {
            ctx.pipeline().remove(SocksServerInitializer.TIMEOUT); // the open timeout takes over
        }
        log.debug("{} CONNECT {}:{}", ctx.channel(), target.host(), target.port());
        opener = context.upstream().open(ctx.channel(), target);
        opener.ready().whenComplete((v, err) -> {
            if (ctx.executor().inEventLoop()) {
                onOpened(ctx, err);
            } else {
                ctx.executor().execute(() -> onOpened(ctx, err));
            }
        });
        readWhileOpening(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && opener != null) {
            early.add(buf);
            earlyBytes += buf.readableBytes();
            readWhileOpening(ctx);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded = true; // the EOF goes over SSH after the payload
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (opener != null) {
            opener.cancel();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseEarly();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} connect stage failed", ctx.channel(), cause);
        ctx.close();
    }

    private void readWhileOpening(ChannelHandlerContext ctx) {
        if (opener != null && !opener.ready().isDone() && !inputEnded && earlyBytes < MAX_EARLY_BYTES) {
            ctx.read();
        }
    }

    private void onOpened(ChannelHandlerContext ctx, Throwable err) {
        if (ctx.isRemoved() || !ctx.channel().isActive()) {
            opener.cancel(); // the client left while the destination was dialled
            return;
        }
        // payload pipelined behind the request, and a FIN right after it, are carried once the channel is open
        if (err != null) {
            Socks5CommandStatus status = SocksReplyMapper.forFailure(err);
            AlknetMetrics.get().socksReply(status.byteValue());
            log.debug("{} channel open failed ({}): {}", ctx.channel(), status, err.toString());
            releaseEarly();
            dialect.failed(ctx, status, err);
            return;
        }
        AlknetMetrics.get().socksReply(0);
        dialect.succeeded(ctx); // removing the dialect's decoder may add to 'early'
        ArrayDeque<ByteBuf> payload = early;
        early = new ArrayDeque<>();
        ctx.pipeline().replace(this, HANDLER, opener.relay(ctx.channel(), payload, inputEnded));
    }

    private void releaseEarly() {
        ByteBuf b;
        while ((b = early.poll()) != null) {
            b.release();
        }
    }
}
