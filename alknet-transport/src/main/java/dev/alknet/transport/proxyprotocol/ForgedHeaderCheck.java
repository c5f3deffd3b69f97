package dev.alknet.transport.proxyprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First on a PROXY-protocol listener's connections from peers that are not trusted: closes the connection if
 * it starts with a PROXY header (someone claiming to speak for another address), and otherwise leaves the
 * pipeline at the first byte that cannot begin one. Bytes are held only while they could still be a header's
 * start (a few bytes at most); SSH ({@code S}) and TLS (0x16) go through on their first byte.
 */
final class ForgedHeaderCheck extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ForgedHeaderCheck.class);
    static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ByteBuf held;
    private boolean pending;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf b)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (held == null) {
            held = ctx.alloc().buffer(V2.length);
        }
        held.writeBytes(b);
        b.release();
        boolean v1 = startsLike(held, V1);
        boolean v2 = startsLike(held, V2);
        if (v1 && held.readableBytes() >= V1.length || v2 && held.readableBytes() >= V2.length) {
            LOG.info("refused a PROXY header from {}: not a trusted source (--proxy-protocol-from)",
                    ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        if (v1 || v2) {
            pending = true; // could still be a header: wait for more
            return;
        }
        ByteBuf bytes = held;
        held = null;
        pending = false;
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(bytes);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pending) {
            ctx.read(); // the reader above asked for bytes and got none yet
        } else {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held != null) {
            ReferenceCountUtil.release(held);
            held = null;
        }
    }

    /** Whether what is held so far is a prefix of {@code sig} (or {@code sig} a prefix of it). */
    static boolean startsLike(ByteBuf b, byte[] sig) {
        int n = Math.min(b.readableBytes(), sig.length);
        for (int i = 0; i < n; i++) {
            if (b.getByte(b.readerIndex() + i) != sig[i]) {
                return false;
            }
        }
        return true;
    }
}
