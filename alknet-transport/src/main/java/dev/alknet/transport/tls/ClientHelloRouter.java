package dev.alknet.transport.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a tls listener's handshake starts: reads the ClientHello, then puts the {@link SslHandler} of the
 * certificate current at that moment in its place ({@link ServerContexts}: a renewed or reloaded certificate
 * applies to new handshakes only), or, for an ACME validation (ALPN {@value #ACME_TLS_1} with a published
 * challenge for its SNI, RFC 8737), one with the challenge certificate that closes after the handshake.
 * {@code handshakeMillis} (0: off) bounds the time from accept to the end of the handshake.
 */
final class ClientHelloRouter extends SslClientHelloHandler<SslHandler> {

    static final String NAME = "alknet-tls";
    static final String ACME_TLS_1 = "acme-tls/1";

    private static final Logger LOG = LoggerFactory.getLogger(ClientHelloRouter.class);

    private final ServerContexts contexts;
    private final LiveCertificate live;
    private final long handshakeMillis;
    private boolean challenge;

    ClientHelloRouter(ServerContexts contexts, LiveCertificate live, long handshakeMillis) {
        this.contexts = contexts;
        this.live = live;
        this.handshakeMillis = handshakeMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) {
            startTimer(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startTimer(ctx);
        super.channelActive(ctx);
    }

    private boolean timerStarted;

    private void startTimer(ChannelHandlerContext ctx) {
        if (handshakeMillis <= 0 || timerStarted) {
            return;
        }
        timerStarted = true;
        io.netty.channel.Channel ch = ctx.channel();
        ctx.executor().schedule(() -> {
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (tls == null || !tls.handshakeFuture().isDone()) {
                ch.close();
            }
        }, handshakeMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected Future<SslHandler> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) throws Exception {
        SslContext chosen = null;
        if (live != null) {
            ClientHelloInfo hello = ClientHelloInfo.parse(clientHello);
            if (hello.alpn().contains(ACME_TLS_1)) {
                TlsKeyMaterial km = live.challenge(hello.serverName());
                if (km != null) {
                    challenge = true;
                    chosen = TlsContexts.acmeChallenge(km);
                    LOG.debug("answering an ACME tls-alpn-01 validation for {} from {}", hello.serverName(),
                            ctx.channel().remoteAddress());
                }
            }
        }
        if (chosen == null) {
            chosen = contexts.current();
        }
        return ctx.executor().newSucceededFuture(chosen.newHandler(ctx.alloc()));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, Future<SslHandler> future) {
        if (!future.isSuccess()) {
            ctx.close();
            return;
        }
        SslHandler tls = future.getNow();
        tls.setHandshakeTimeoutMillis(0); // the timer above counts from accept
        if (tls.engine() instanceof ReferenceCountedOpenSslEngine e) {
            long ssl = e.sslPointer(); // a strict listener keeps this connection's exporter secret until it closes
            ctx.channel().closeFuture().addListener(f -> TlsContexts.exporterSecrets().forget(ssl));
        }
        try {
            if (challenge) {
                if (ctx.pipeline().get(TlsServerHandover.class) != null) {
                    ctx.pipeline().replace(TlsServerHandover.class, "acme-challenge", new ChallengeAnswered());
                } else {
                    ctx.pipeline().addAfter(ctx.name(), "acme-challenge", new ChallengeAnswered());
                }
            }
            ctx.pipeline().replace(this, NAME, tls);
        } catch (RuntimeException e) {
            ReferenceCountUtil.safeRelease(tls.engine());
            ctx.close();
            throw e;
        }
    }

    /** After a challenge handshake: nothing more to say (RFC 8737 §3: the validator closes, so may we). */
    private static final class ChallengeAnswered extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent) {
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
