package dev.alknet.client;

import dev.alknet.core.bridge.ChannelIoSession;
import dev.alknet.transport.EventLoops;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;

/**
 * On a listener, ahead of Netty's acceptor: registers each accepted connection on the event loop of the tunnel's
 * SSH carrier, so its relay hands packets to and from the SSH session without changing threads (see
 * {@link EventLoops}). While the tunnel is down the group's usual choice stands.
 */
@ChannelHandler.Sharable
public final class OnCarrierLoop extends ChannelInboundHandlerAdapter {

    private final SessionProvider sessions;

    public OnCarrierLoop(SessionProvider sessions) {
        this.sessions = sessions;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object accepted) {
        EventLoop loop = carrierLoop();
        if (loop == null) {
            ctx.fireChannelRead(accepted);
        } else {
            EventLoops.registerOn(loop, () -> ctx.fireChannelRead(accepted));
        }
    }

    private EventLoop carrierLoop() {
        return ChannelIoSession.eventLoopOf(sessions.currentOrNull());
    }
}
