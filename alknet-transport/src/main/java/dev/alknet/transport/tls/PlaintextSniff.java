package dev.alknet.transport.tls;

import dev.alknet.transport.StreamAcceptor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Stealth mode only, first in a tls listener's pipeline: looks at the peer's first byte the way nginx
 * does on an {@code ssl} port. A TLS record (0x16) or anything with the high bit set (SSLv2) goes on to
 * the {@link SslHandler}; anything else is plaintext (an HTTP request sent to the HTTPS port, an SSH
 * banner, garbage): TLS is taken out of the pipeline and the raw stream is handed to the acceptor marked
 * {@link TlsTransport#PLAINTEXT}, its first bytes held back by the read gate as usual. A peer that says
 * nothing within the stealth timeout is closed quietly, below TLS (no alert), as nginx does. A TLS peer must then
 * finish its handshake within the handshake limit of its first byte, or it is closed as quietly: a ClientHello
 * sent a byte at a time does not hold its slot for the whole stealth timeout.
 */
final class PlaintextSniff extends ChannelInboundHandlerAdapter {

    private final StreamAcceptor acceptor;
    private final Duration silence;
    private final Duration handshake;
    private ScheduledFuture<?> timer;

    PlaintextSniff(StreamAcceptor acceptor, Duration silence, Duration handshake) {
        this.acceptor = acceptor;
        this.silence = silence;
        this.handshake = handshake;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> {
            ctx.close();
        }, silence.toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || !buf.isReadable()) {
            ctx.fireChannelRead(msg);
            return;
        }
        timer.cancel(false);
        int first = buf.getUnsignedByte(buf.readerIndex());
        if (first == 0x16 || (first & 0x80) != 0) {
            io.netty.channel.Channel ch = ctx.channel();
            ctx.executor().schedule(() -> {
                // the ClientHelloRouter puts the SslHandler in only once the whole ClientHello is in
                SslHandler tls = ch.pipeline().get(SslHandler.class);
                if (tls == null || !tls.handshakeFuture().isDone()) {
                    ch.close();
                }
            }, handshake.toMillis(), TimeUnit.MILLISECONDS);
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        if (!ctx.channel().isOpen()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        // Plaintext: the handover goes first, or it would close the stream on SslHandler's removal event.
        ctx.pipeline().remove(TlsServerHandover.class);
        ctx.pipeline().remove(ClientHelloRouter.NAME);
        ctx.channel().attr(TlsTransport.PLAINTEXT).set(Boolean.TRUE);
        ctx.fireChannelRead(msg);
        ctx.pipeline().remove(this);
        acceptor.accept(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        ctx.fireChannelInactive();
    }
}
