package dev.alknet.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Hands an accepted stream to its acceptor once it is active, then leaves the pipeline. */
public final class StreamReady extends ChannelInboundHandlerAdapter {

    private final StreamAcceptor acceptor;

    public StreamReady(StreamAcceptor acceptor) {
        this.acceptor = acceptor;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.pipeline().remove(this);
        acceptor.accept(ctx.channel());
    }
}
