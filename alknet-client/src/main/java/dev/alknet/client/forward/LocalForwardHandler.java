package dev.alknet.client.forward;

import dev.alknet.core.channel.ChannelOpener;
import dev.alknet.core.channel.ChannelRelay;
import dev.alknet.core.channel.RelayDirectTcpip;
import dev.alknet.core.config.HostPort;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First and only handler of an accepted {@code -L} connection: opens the {@code direct-tcpip} channel, then
 * replaces itself with {@link ChannelRelay}. Nothing is read before the server confirmed the channel
 * (autoRead is off), so a slow open costs no memory. Runs on the connection's event loop.
 */
final class LocalForwardHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "forward-L";
    private static final Logger log = LoggerFactory.getLogger(LocalForwardHandler.class);

    private final LocalForwardContext context;
    private ChannelOpener<RelayDirectTcpip> opener;

    LocalForwardHandler(LocalForwardContext context) {
        this.context = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        opener = ChannelOpener.directTcpip(context.sessions(), originator(ctx.channel().remoteAddress()),
                context.target(), context.openTimeout(), ctx.executor(), context.openChannels());
        opener.result().whenComplete((channel, err) -> {
            if (ctx.executor().inEventLoop()) {
                onOpened(ctx, channel, err);
            } else {
                ctx.executor().execute(() -> onOpened(ctx, channel, err));
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (opener != null) {
            opener.cancel();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} -L connection failed before relaying", ctx.channel(), cause);
        ctx.close();
    }

    private void onOpened(ChannelHandlerContext ctx, RelayDirectTcpip channel, Throwable err) {
        if (ctx.isRemoved() || !ctx.channel().isActive()) {
            if (channel != null) {
                ChannelRelay.closeNow(channel); // the local client left while the server was dialling
            }
            return;
        }
        if (err != null) {
            Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            log.warn("-L {}: {}", context.spec(), e.getMessage() != null ? e.getMessage() : e.toString());
            ctx.close();
            return;
        }
        ctx.pipeline().replace(this, NAME, ChannelRelay.handler(channel, ctx.channel(), new ArrayDeque<ByteBuf>(), false));
    }

    /** The local client's address; never null (MINA would look up the local host name instead). */
    private static HostPort originator(SocketAddress remote) {
        if (remote instanceof InetSocketAddress a && a.getAddress() != null) {
            return new HostPort(a.getAddress().getHostAddress(), a.getPort());
        }
        return new HostPort("127.0.0.1", 0);
    }
}
