package dev.alknet.client.socks;

import dev.alknet.client.socks.auth.PasswordAuthRequest;
import dev.alknet.client.socks.auth.SocksCredentials;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 1929 sub-negotiation: checks the user name and password (constant time, {@link SocksCredentials}) and
 * answers 0x00 and goes on to the request stage, or answers 0x01 and closes, as the RFC requires.
 */
final class Socks5PasswordAuthHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Socks5PasswordAuthHandler.class);

    private final SocksContext context;

    Socks5PasswordAuthHandler(SocksContext context) {
        this.context = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof PasswordAuthRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        boolean ok;
        try {
            ok = request.malformed() == null
                    && context.options().credentials().matches(request.user(), request.password());
        } finally {
            request.wipe();
        }
        if (!ok) {
            log.debug("{} SOCKS5 authentication failed{}", ctx.channel(),
                    request.malformed() != null ? ": " + request.malformed() : "");
            ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
        Socks5HandshakeHandler.swapDecoder(ctx.pipeline(), SocksServerInitializer.AUTH_DECODER,
                SocksServerInitializer.REQUEST_DECODER, new Socks5CommandRequestDecoder(KnownAddressDecoder.INSTANCE));
        ctx.pipeline().replace(this, SocksServerInitializer.HANDLER, new Socks5ConnectHandler(context));
        ctx.channel().read();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.close(); // gave up before authenticating
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} SOCKS5 authentication stage failed", ctx.channel(), cause);
        ctx.close();
    }
}
