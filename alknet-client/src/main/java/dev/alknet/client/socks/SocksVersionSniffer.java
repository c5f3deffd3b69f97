package dev.alknet.client.socks;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.socksx.SocksVersion;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the first byte: SOCKS5 goes on to the SOCKS5 decoder, SOCKS4 gets a "request rejected" (0x5B)
 * reply, anything else is closed without a word. This is where SOCKS4 support would plug in.
 */
final class SocksVersionSniffer extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SocksVersionSniffer.class);

    /** SOCKS4 reply: VN=0, CD=0x5B (rejected or failed), DSTPORT and DSTIP ignored. */
    private static final byte[] SOCKS4_REJECTED = {0, 0x5B, 0, 0, 0, 0, 0, 0};

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || !buf.isReadable()) {
            ReferenceCountUtil.release(msg);
            ctx.read();
            return;
        }
        byte version = buf.getByte(buf.readerIndex());
        if (version == SocksVersion.SOCKS5.byteValue()) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(buf);
            return;
        }
        buf.release();
        log.debug("{} not SOCKS5 (first byte {}), closing", ctx.channel(), version & 0xFF);
        if (version == SocksVersion.SOCKS4a.byteValue()) {
            ctx.writeAndFlush(ctx.alloc().buffer(8).writeBytes(SOCKS4_REJECTED))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
