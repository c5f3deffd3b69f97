package dev.alknet.client.socks;

import dev.alknet.client.socks.http.HttpProxyHandler;
import dev.alknet.client.socks.v4.Socks4Handler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.socksx.SocksVersion;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port unification: the first byte tells the dialect. 0x05 is SOCKS5, 0x04 SOCKS4/4a, an upper-case ASCII
 * letter the method of an HTTP proxy request ({@code CONNECT host:port}, {@code GET http://...}); anything else
 * is closed without a word. The dialect's handlers take this one's place and get the bytes read so far.
 */
final class SocksVersionSniffer extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SocksVersionSniffer.class);

    private final SocksContext context;

    SocksVersionSniffer(SocksContext context) {
        this.context = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read(); // autoRead is off
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || !buf.isReadable()) {
            ReferenceCountUtil.release(msg);
            ctx.read();
            return;
        }
        byte first = buf.getByte(buf.readerIndex());
        if (first == SocksVersion.SOCKS5.byteValue()) {
            Socks5HandshakeHandler.install(ctx.pipeline(), context);
        } else if (first == SocksVersion.SOCKS4a.byteValue()) {
            Socks4Handler.install(ctx.pipeline(), context);
        } else if (first >= 'A' && first <= 'Z') {
            HttpProxyHandler.install(ctx.pipeline(), context);
        } else {
            buf.release();
            log.debug("{} no proxy dialect starts with byte {}, closing", ctx.channel(), first & 0xFF);
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(buf);
    }
}
