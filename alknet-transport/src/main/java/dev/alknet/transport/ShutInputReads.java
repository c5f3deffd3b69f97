package dev.alknet.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;

/**
 * Drops {@code read()} once the socket's input is shut down (the peer's FIN was read): there is nothing left to read,
 * and Netty's epoll transport closes the whole socket on such a read when the FIN came while nobody was reading (it
 * took the descriptor out of epoll then; asking for EPOLLIN again fails with ENOENT, and beginRead closes). That kills
 * the half of the stream that still sends, e.g. a WebSocket whose server sent its data and FIN with the 101 and the
 * client's first read comes after (the {@link ReadGate} held the FIN). First in every TCP stream's pipeline.
 */
@ChannelHandler.Sharable
public final class ShutInputReads extends ChannelOutboundHandlerAdapter {

    public static final String NAME = "alknet-shut-input-reads";
    public static final ShutInputReads INSTANCE = new ShutInputReads();

    private ShutInputReads() {
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof DuplexChannel d && d.isInputShutdown()) {
            return;
        }
        ctx.read();
    }
}
