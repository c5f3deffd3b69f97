package dev.alknet.transport.tls;

import dev.alknet.transport.StreamAcceptor;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits after the server's {@link SslHandler}: drives reading during the handshake (autoRead is off),
 * refuses clients that did not negotiate ALPN {@value TlsContexts#ALPN}, and hands the stream to the
 * acceptor once the handshake succeeded.
 */
final class TlsServerHandover extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TlsServerHandover.class);

    private final StreamAcceptor acceptor;
    private final boolean anyAlpn;

    TlsServerHandover(StreamAcceptor acceptor) {
        this(acceptor, false);
    }

    /** {@code anyAlpn}: stealth mode, hand over whatever the context let through (browsers too). */
    TlsServerHandover(StreamAcceptor acceptor, boolean anyAlpn) {
        this.acceptor = acceptor;
        this.anyAlpn = anyAlpn;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        ctx.read(); // through the TLS handler (or the ClientHelloRouter before it)
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof SslHandshakeCompletionEvent done)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (!done.isSuccess()) {
            log.debug("{}: TLS handshake failed: {}", ctx.channel().remoteAddress(), TlsErrors.describe(done.cause()));
            ctx.close();
            return;
        }
        String alpn = ctx.pipeline().get(SslHandler.class).applicationProtocol();
        if (!anyAlpn && !TlsContexts.ALPN.equals(alpn)) {
            log.debug("{}: client did not ask for ALPN {} (got {}), closing", ctx.channel().remoteAddress(),
                    TlsContexts.ALPN, alpn);
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        acceptor.accept(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Before the handover, failures are handshake failures: reported by the completion event.
        ctx.close();
    }
}
