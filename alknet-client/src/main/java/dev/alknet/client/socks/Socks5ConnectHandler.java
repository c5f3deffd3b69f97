package dev.alknet.client.socks;

import dev.alknet.core.metrics.AlknetMetrics;
import dev.alknet.client.socks.udp.UdpAssociateHandler;
import io.netty.buffer.ByteBuf;
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
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SOCKS5 request stage (RFC 1928 §4-6): validates the request, opens the SSH channel and replies only
 * once the server has answered. UDP ASSOCIATE is handed to {@link UdpAssociateHandler}. On success it hands the connection to {@link SshChannelRelay}, together with
 * any payload the client pipelined behind its request.
 */
final class Socks5ConnectHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Socks5ConnectHandler.class);

    /**
     * Payload accepted while the channel opens. Reading on during the open is what notices a client that
     * resets meanwhile (autoRead is off); past this much, reading waits for the relay.
     */
    private static final int MAX_EARLY_BYTES = 64 * 1024;

    private final SocksContext context;
    /** Payload that arrived behind the request, at most {@link #MAX_EARLY_BYTES} plus one read. */
    private ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    private int earlyBytes;
    private boolean requested;
    private boolean inputEnded;
    private DirectTcpipOpener opener;

    Socks5ConnectHandler(SocksContext context) {
        this.context = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Socks5CommandRequest request && !requested) {
            requested = true;
            if (ctx.pipeline().get(SocksServerInitializer.TIMEOUT) != null) {
                ctx.pipeline().remove(SocksServerInitializer.TIMEOUT); // the open timeout takes over
            }
            onRequest(ctx, request);
        } else if (msg instanceof ByteBuf buf && requested) {
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
            if (!requested) {
                ctx.close();
                return;
            }
            inputEnded = true; // "request, payload, FIN" in one go: the EOF goes over SSH after the payload
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
        if (Socks5CommandType.UDP_ASSOCIATE.equals(request.type())) {
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
        SshdSocketAddress target = new SshdSocketAddress(request.dstAddr(), request.dstPort());
        if (log.isDebugEnabled()) {
            log.debug("{} CONNECT {}:{}", ctx.channel(), request.dstAddr(), request.dstPort());
        }
        opener = DirectTcpipOpener.open(context.sessions(), originator(ctx.channel().remoteAddress()), target,
                context.options().openTimeout(), ctx.executor(), context.openRelays());
        opener.result().whenComplete((channel, err) -> {
            if (ctx.executor().inEventLoop()) {
                onOpened(ctx, channel, err);
            } else {
                ctx.executor().execute(() -> onOpened(ctx, channel, err));
            }
        });
        readWhileOpening(ctx);
    }

    private void readWhileOpening(ChannelHandlerContext ctx) {
        if (opener != null && !opener.result().isDone() && !inputEnded && earlyBytes < MAX_EARLY_BYTES) {
            ctx.read();
        }
    }

    private void onOpened(ChannelHandlerContext ctx, ChannelDirectTcpip channel, Throwable err) {
        if (ctx.isRemoved() || !ctx.channel().isActive()) {
            if (channel != null) {
                SshChannelRelay.closeSshNow(channel); // the SOCKS client left while the server was dialling
            }
            return;
        }
        if (err != null) {
            Socks5CommandStatus status = SocksReplyMapper.forFailure(err);
            log.debug("{} channel open failed, replying {}: {}", ctx.channel(), status, err.toString());
            replyAndClose(ctx, status);
            return;
        }
        AlknetMetrics.get().socksReply(0);
        ctx.writeAndFlush(reply(Socks5CommandStatus.SUCCESS));
        ChannelPipeline p = ctx.pipeline();
        p.remove(SocksServerInitializer.REQUEST_DECODER); // anything it still holds lands in 'early'
        p.remove(SocksServerInitializer.ENCODER);
        ArrayDeque<ByteBuf> payload = early;
        early = new ArrayDeque<>();
        p.replace(this, SocksServerInitializer.HANDLER, new SshChannelRelay(channel, payload, inputEnded));
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

    private static SshdSocketAddress originator(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            // The literal, never getHostName(): that would be a reverse lookup on the event loop.
            return new SshdSocketAddress(inet.getAddress().getHostAddress(), inet.getPort());
        }
        return new SshdSocketAddress("0.0.0.0", 0);
    }

    private static DefaultSocks5CommandResponse reply(Socks5CommandStatus status) {
        // BND.ADDR 0.0.0.0:0 like OpenSSH: the real bound address is on the server and of no use here.
        return new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0);
    }

    private void replyAndClose(ChannelHandlerContext ctx, Socks5CommandStatus status) {
        AlknetMetrics.get().socksReply(status.byteValue());
        releaseEarly();
        ctx.writeAndFlush(reply(status)).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseEarly() {
        ByteBuf b;
        while ((b = early.poll()) != null) {
            b.release();
        }
    }
}
