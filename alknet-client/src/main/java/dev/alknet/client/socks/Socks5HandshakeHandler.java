package dev.alknet.client.socks;

import dev.alknet.client.socks.auth.PasswordAuthRequestDecoder;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SOCKS5 method negotiation (RFC 1928 §3). Without credentials the method is NO_AUTH; with credentials it is
 * USERNAME/PASSWORD (RFC 1929, answered by {@link Socks5PasswordAuthHandler}) and a client that does not offer
 * it gets 0xFF: there is no way in without the password.
 */
final class Socks5HandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Socks5HandshakeHandler.class);

    private final SocksContext context;

    Socks5HandshakeHandler(SocksContext context) {
        this.context = context;
    }

    /** Appends the SOCKS5 handlers; the first bytes follow (see {@link SocksVersionSniffer}). */
    static void install(ChannelPipeline p, SocksContext context) {
        p.addLast(SocksServerInitializer.ENCODER, Socks5ServerEncoder.DEFAULT)
                .addLast(SocksServerInitializer.GREETING_DECODER, new Socks5InitialRequestDecoder())
                .addLast(SocksServerInitializer.HANDLER, new Socks5HandshakeHandler(context));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Socks5InitialRequest greeting)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (greeting.decoderResult().isFailure()) {
            log.debug("{} bad SOCKS5 greeting: {}", ctx.channel(), greeting.decoderResult().cause().getMessage());
            ctx.close();
            return;
        }
        Socks5AuthMethod method = chooseMethod(greeting.authMethods(), context.options().requiresAuth());
        if (method == Socks5AuthMethod.UNACCEPTED) {
            log.debug("{} no acceptable SOCKS5 method in {}", ctx.channel(), greeting.authMethods());
            ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(new DefaultSocks5InitialResponse(method));
        if (method == Socks5AuthMethod.PASSWORD) {
            swapDecoder(ctx.pipeline(), SocksServerInitializer.GREETING_DECODER, SocksServerInitializer.AUTH_DECODER,
                    new PasswordAuthRequestDecoder());
            ctx.pipeline().replace(this, SocksServerInitializer.HANDLER, new Socks5PasswordAuthHandler(context));
            ctx.channel().read();
            return;
        }
        swapDecoder(ctx.pipeline(), SocksServerInitializer.GREETING_DECODER, SocksServerInitializer.REQUEST_DECODER,
                new Socks5CommandRequestDecoder(KnownAddressDecoder.INSTANCE));
        ctx.pipeline().replace(this, SocksServerInitializer.HANDLER, new Socks5ConnectHandler(context));
        // Ask for the request. If it came pipelined with the greeting, it reaches the new decoder right after
        // this method returns, and whatever this read brings is kept by the connect stage.
        ctx.channel().read();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.close(); // the client gave up before its request was complete
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} SOCKS handshake failed", ctx.channel(), cause);
        ctx.close();
    }

    static Socks5AuthMethod chooseMethod(List<Socks5AuthMethod> offered, boolean passwordRequired) {
        Socks5AuthMethod wanted = passwordRequired ? Socks5AuthMethod.PASSWORD : Socks5AuthMethod.NO_AUTH;
        return offered.contains(wanted) ? wanted : Socks5AuthMethod.UNACCEPTED;
    }

    /**
     * Puts {@code next} right after the decoder named {@code current}, then removes that one. The order
     * matters: bytes the old decoder has already read past its message (a pipelined request, payload) leave
     * through the old decoder's context, whose successor must be the new decoder, or they would skip it.
     */
    static void swapDecoder(ChannelPipeline pipeline, String current, String nextName, ChannelHandler next) {
        pipeline.addAfter(current, nextName, next);
        pipeline.remove(current);
    }
}
