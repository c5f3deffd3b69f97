package dev.alknet.client.socks.v4;

import dev.alknet.core.config.HostPort;
import dev.alknet.client.socks.ConnectStage;
import dev.alknet.client.socks.SocksContext;
import dev.alknet.core.open.OpenFailure;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandResponse;
import io.netty.handler.codec.socksx.v4.Socks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandStatus;
import io.netty.handler.codec.socksx.v4.Socks4CommandType;
import io.netty.handler.codec.socksx.v4.Socks4ServerDecoder;
import io.netty.handler.codec.socksx.v4.Socks4ServerEncoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SOCKS4 and SOCKS4a CONNECT (the 4a name goes to the server unresolved, like SOCKS5h). Replies 0x5A once the
 * server has connected, 0x5B for any failure, BIND, a malformed request, and whenever the listener requires
 * credentials: SOCKS4 has only an unauthenticated user id, so it cannot pass.
 */
public final class Socks4Handler extends ChannelInboundHandlerAdapter {

    static final String DECODER = "socks4-decoder";
    static final String ENCODER = "socks4-encoder";
    static final String HANDLER = ConnectStage.HANDLER;

    private static final Logger log = LoggerFactory.getLogger(Socks4Handler.class);

    private final SocksContext context;

    private Socks4Handler(SocksContext context) {
        this.context = context;
    }

    /** Appends the SOCKS4 handlers; the first bytes follow. */
    public static void install(ChannelPipeline p, SocksContext context) {
        p.addLast(DECODER, new Socks4ServerDecoder())
                .addLast(ENCODER, Socks4ServerEncoder.INSTANCE)
                .addLast(HANDLER, new Socks4Handler(context));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Socks4CommandRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        String refusal = refusal(request);
        if (refusal != null) {
            log.debug("{} SOCKS4 request refused: {}", ctx.channel(), refusal);
            rejectAndClose(ctx);
            return;
        }
        HostPort target = new HostPort(request.dstAddr(), request.dstPort());
        ctx.pipeline().replace(this, HANDLER, new ConnectStage(context, target, new Replies(), null));
    }

    private String refusal(Socks4CommandRequest request) {
        if (request.decoderResult().isFailure()) {
            return "malformed: " + request.decoderResult().cause().getMessage();
        }
        if (context.options().requiresAuth()) {
            return "credentials are required and SOCKS4 cannot send a password";
        }
        if (!Socks4CommandType.CONNECT.equals(request.type())) {
            return "command " + request.type() + " not supported";
        }
        if (request.dstAddr().isEmpty() || request.dstPort() == 0) {
            return "no destination";
        }
        return null;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.close(); // gave up before the request was complete
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} SOCKS4 request stage failed", ctx.channel(), cause);
        ctx.close();
    }

    private static void rejectAndClose(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** 0x5A with DSTPORT and DSTIP zero (clients ignore them for CONNECT), then the relay. */
    private static final class Replies implements ConnectStage.Dialect {
        @Override
        public void succeeded(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new DefaultSocks4CommandResponse(Socks4CommandStatus.SUCCESS));
            ctx.pipeline().remove(DECODER);
            ctx.pipeline().remove(ENCODER);
        }

        @Override
        public void failed(ChannelHandlerContext ctx, Socks5CommandStatus status, Throwable cause) {
            // SOCKS4 has one failure code; it comes from the same table as the SOCKS5 and HTTP answers
            byte code = (byte) OpenFailure.forSocks5(status.byteValue()).socks4();
            ctx.writeAndFlush(new DefaultSocks4CommandResponse(Socks4CommandStatus.valueOf(code)))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }
}
