package dev.alknet.client.socks.udp;

import dev.alknet.client.socks.SocksContext;
import dev.alknet.client.socks.SocksReplyMapper;
import dev.alknet.core.channel.ChannelOpener;
import dev.alknet.core.udp.UdpAssociationChannel;
import dev.alknet.core.udp.UdpFrames;
import dev.alknet.transport.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SOCKS5 UDP ASSOCIATE stage (RFC 1928 §7), in place of the CONNECT stage. Binds a relay socket on the
 * address the client reached this listener at, opens a {@link UdpAssociationChannel}, and replies with the relay's
 * address once both stand (or with the failure). The association lives as long as this TCP control connection:
 * its close or FIN ends it, as does an idle period without datagrams ({@code udpIdleTimeout}), which closes
 * the control connection to tell the client.
 */
public final class UdpAssociateHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UdpAssociateHandler.class);

    private final SocksContext context;
    private final int requestedPort;
    private Channel relay;
    private ChannelOpener<UdpAssociationChannel> opener;
    private UdpAssociation association;
    private ScheduledFuture<?> idleCheck;
    private boolean ended;

    /** @param request the UDP ASSOCIATE request (DST.PORT, if not 0, is the only port datagrams may come from) */
    public UdpAssociateHandler(SocksContext context, Socks5CommandRequest request) {
        this.context = context;
        this.requestedPort = request.dstPort();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        RelaySocketHandler relayHandler = new RelaySocketHandler();
        ChannelFuture bound = new Bootstrap()
                .group(ctx.channel().eventLoop()) // one thread for the control connection and its relay
                .channel(EventLoops.datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UdpFrames.MAX_PAYLOAD + 1))
                .handler(relayHandler)
                .bind(new InetSocketAddress(local.getAddress(), 0));
        relay = bound.channel();
        bound.addListener(f -> {
            if (ended) {
                closeRelay(); // the client left while binding
                return;
            }
            if (!f.isSuccess()) {
                log.debug("{} cannot bind a UDP relay on {}: {}", ctx.channel(), local.getAddress(), f.cause().toString());
                fail(ctx, Socks5CommandStatus.FAILURE);
                return;
            }
            opener = ChannelOpener.open(context.sessions(), UdpAssociationChannel::new, context.options().openTimeout(),
                    ctx.executor(),
                    context.openRelays());
            opener.result().whenComplete((ssh, err) -> ctx.executor().execute(() -> opened(ctx, relayHandler, ssh, err)));
        });
        ctx.read(); // notice a client that leaves meanwhile
    }

    private void opened(ChannelHandlerContext ctx, RelaySocketHandler relayHandler, UdpAssociationChannel ssh,
            Throwable err) {
        if (ended || !ctx.channel().isActive()) {
            if (ssh != null) {
                ssh.close(false);
            }
            relay.close();
            return;
        }
        if (err != null) {
            Socks5CommandStatus status = SocksReplyMapper.forFailure(err);
            log.debug("{} UDP channel open failed, replying {}: {}", ctx.channel(), status, err.toString());
            fail(ctx, status);
            return;
        }
        InetAddress clientIp = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        association = new UdpAssociation(ctx.channel(), relay, ssh, context.udp(), clientIp, requestedPort);
        relayHandler.attach(association);
        InetSocketAddress at = association.relayAddress();
        log.debug("{} UDP ASSOCIATE: relay on {}", ctx.channel(), at);
        Socks5AddressType type = at.getAddress() instanceof Inet4Address ? Socks5AddressType.IPv4
                : Socks5AddressType.IPv6;
        ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, type,
                NetUtil.toAddressString(at.getAddress()), at.getPort()));
        scheduleIdleCheck(ctx, context.options().udpIdleTimeout().toNanos());
    }

    private void scheduleIdleCheck(ChannelHandlerContext ctx, long delayNanos) {
        idleCheck = ctx.executor().schedule(() -> {
            long limit = context.options().udpIdleTimeout().toNanos();
            long idle = System.nanoTime() - association.lastActivity();
            if (idle >= limit) {
                log.debug("{} UDP association idle for {} ms, ending it", ctx.channel(),
                        TimeUnit.NANOSECONDS.toMillis(idle));
                end(ctx);
            } else if (!ended) {
                scheduleIdleCheck(ctx, limit - idle);
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg); // the control connection carries nothing after the request
        ctx.read();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            end(ctx); // the client closed its side: the association ends with it
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end(ctx);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} UDP ASSOCIATE control connection failed", ctx.channel(), cause);
        end(ctx);
    }

    private void fail(ChannelHandlerContext ctx, Socks5CommandStatus status) {
        ended = true;
        closeRelay();
        ctx.writeAndFlush(new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void end(ChannelHandlerContext ctx) {
        if (ended) {
            return;
        }
        ended = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (opener != null) {
            opener.cancel();
        }
        if (association != null) {
            association.close();
        } else {
            closeRelay();
            ctx.close();
        }
    }

    /**
     * A relay whose channel could not even be created (no file descriptor left: Netty hands back an unregistered
     * stand-in) throws on close(); without this guard the client got no reply and the connection stayed open.
     */
    private void closeRelay() {
        if (relay.isRegistered()) {
            relay.close();
        }
    }
}
