package dev.alknet.server.udp;

import dev.alknet.core.udp.UdpFrameWriter;
import dev.alknet.core.udp.UdpFrames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datagrams arriving at an association's UDP socket: those from a destination the client sent to lately become
 * frames to the client (source address and data); the rest are dropped.
 */
final class RepliesToSsh extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RepliesToSsh.class);

    private final RecentPeers peers;
    private volatile UdpFrameWriter toClient;

    RepliesToSsh(RecentPeers peers) {
        this.peers = peers;
    }

    /** Where frames go; datagrams before this is set are dropped. */
    void attach(UdpFrameWriter writer) {
        this.toClient = writer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof DatagramPacket p) {
                forward(ctx, p.sender(), p.content());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void forward(ChannelHandlerContext ctx, InetSocketAddress from, ByteBuf content) {
        UdpFrameWriter out = toClient;
        if (out == null || from == null || !peers.mayAnswer(from)) {
            LOG.debug("{} dropping a datagram from {}: not a destination of this association", ctx.channel(), from);
            return;
        }
        byte[] data = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), data);
        if (!out.offer(UdpFrames.encode(from, data, 0, data.length))) {
            LOG.debug("{} dropping a reply from {}: the SSH channel is backed up or gone", ctx.channel(), from);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors (port unreachable) surface here on some transports; UDP carries on.
        LOG.debug("{} UDP socket error: {}", ctx.channel(), cause.toString());
    }
}
