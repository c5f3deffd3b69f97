package dev.alknet.client.socks;

import dev.alknet.core.config.HostPort;
import dev.alknet.core.metrics.AlknetMetrics;
import dev.alknet.client.socks.udp.UdpAssociateHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SOCKS5 request stage (RFC 1928 §4-6): validates the request; a CONNECT goes to {@link ConnectStage} (which
 * opens the SSH channel, and this dialect replies only once the server has answered), a UDP ASSOCIATE to
 * {@link UdpAssociateHandler}.
 */
final class Socks5ConnectHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Socks5ConnectHandler.class);

    private final SocksContext context;
    private boolean requested;

    Socks5ConnectHandler(SocksContext context) {
        this.context = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Socks5CommandRequest request && !requested) {
            requested = true;
            onRequest(ctx, request);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !requested) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} SOCKS request stage failed", ctx.channel(), cause);
        ctx.close();
    }

    private void onRequest(ChannelHandlerContext ctx, Socks5CommandRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            log.debug("{} malformed SOCKS5 request: {}", ctx.channel(), cause.getMessage());
            replyAndClose(ctx, statusForMalformed(cause));
            return;
        }
        if (Socks5CommandType.UDP_ASSOCIATE.equals(request.type()) && context.upstream().udp()) {
            // The request is complete: the open timeout, then the idle timeout take over. Left in place, the
            // handshake deadline closed every association 10 s after it began.
            if (ctx.pipeline().get(SocksServerInitializer.TIMEOUT) != null) {
                ctx.pipeline().remove(SocksServerInitializer.TIMEOUT);
            }
            ctx.pipeline().replace(this, SocksServerInitializer.HANDLER, new UdpAssociateHandler(context, request));
            return;
        }
        if (!Socks5CommandType.CONNECT.equals(request.type())) {
            replyAndClose(ctx, Socks5CommandStatus.COMMAND_UNSUPPORTED);
            return;
        }
        if (request.dstAddr().isEmpty()) {
            replyAndClose(ctx, Socks5CommandStatus.HOST_UNREACHABLE); // an empty name cannot resolve
            return;
        }
        HostPort target = new HostPort(request.dstAddr(), request.dstPort());
        ctx.pipeline().replace(this, SocksServerInitializer.HANDLER,
                new ConnectStage(context, target, Socks5Replies.INSTANCE, null));
    }

    private static Socks5CommandStatus statusForMalformed(Throwable cause) {
        if (cause instanceof KnownAddressDecoder.UnsupportedAddressTypeException) {
            return Socks5CommandStatus.ADDRESS_UNSUPPORTED;
        }
        if (cause.getCause() instanceof IllegalArgumentException) {
            // Netty rejects names that are not valid IDNA (e.g. a label over 63 bytes): they cannot resolve.
            return Socks5CommandStatus.HOST_UNREACHABLE;
        }
        return Socks5CommandStatus.FAILURE;
    }

    private static DefaultSocks5CommandResponse reply(Socks5CommandStatus status) {
        // BND.ADDR 0.0.0.0:0 like OpenSSH: the real bound address is on the server and of no use here.
        return new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0);
    }

    private static void replyAndClose(ChannelHandlerContext ctx, Socks5CommandStatus status) {
        AlknetMetrics.get().socksReply(status.byteValue());
        ctx.writeAndFlush(reply(status)).addListener(ChannelFutureListener.CLOSE);
    }

    /** SOCKS5's answers to a CONNECT: the reply, then the codecs leave (payload behind the request passes on). */
    private enum Socks5Replies implements ConnectStage.Dialect {
        INSTANCE;

        @Override
        public void succeeded(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(reply(Socks5CommandStatus.SUCCESS));
            ChannelPipeline p = ctx.pipeline();
            p.remove(SocksServerInitializer.REQUEST_DECODER); // anything it still holds reaches the connect stage
            p.remove(SocksServerInitializer.ENCODER);
        }

        @Override
        public void failed(ChannelHandlerContext ctx, Socks5CommandStatus status, Throwable cause) {
            ctx.writeAndFlush(reply(status)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
