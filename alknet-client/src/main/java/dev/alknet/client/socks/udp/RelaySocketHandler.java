package dev.alknet.client.socks.udp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The relay socket's handler: hands datagrams to the association once there is one, drops them before. */
final class RelaySocketHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RelaySocketHandler.class);

    private UdpAssociation association; // set and read on the relay's event loop

    void attach(UdpAssociation a) {
        association = a;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof DatagramPacket p && association != null) {
                association.fromClient(p);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // e.g. ICMP port unreachable from a client that went away; the association carries on
        log.debug("{} relay socket error: {}", ctx.channel(), cause.toString());
    }
}
