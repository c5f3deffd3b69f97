package dev.alknet.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseCombiner;

/**
 * Turns a WebSocket into the byte stream a {@link dev.alknet.transport.Transport} hands out: binary (and
 * continuation) frames in are their payload buffers, passed on without a copy; each buffer written out is one binary
 * frame (split at {@link #MAX_FRAME} as retained slices, not copies). Pings are answered; a close frame, or a text
 * frame (not ours), ends the stream. Closing the stream sends a close frame first, which proxies pass on as a clean
 * end.
 */
public final class WsFrames extends ChannelDuplexHandler {

    public static final String NAME = "alknet-ws-frames";
    /** The largest frame payload either side sends or accepts (the decoder holds one whole frame). */
    public static final int MAX_FRAME = 1 << 20;

    private boolean closing;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            ByteBuf payload = ((WebSocketFrame) msg).content();
            if (payload.isReadable()) {
                ctx.fireChannelRead(payload); // the frame's refcount is its content's: the reader releases it
            } else {
                payload.release();
            }
        } else if (msg instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
        } else if (msg instanceof CloseWebSocketFrame || msg instanceof WebSocketFrame) {
            ReferenceCountUtil.release(msg);
            ctx.close(); // the peer's end (close), or text we never send
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf b)) {
            ctx.write(msg, promise);
            return;
        }
        if (b.readableBytes() <= MAX_FRAME) {
            ctx.write(new BinaryWebSocketFrame(b), promise);
            return;
        }
        PromiseCombiner all = new PromiseCombiner(ctx.executor());
        try {
            while (b.isReadable()) {
                int n = Math.min(MAX_FRAME, b.readableBytes());
                all.add(ctx.write(new BinaryWebSocketFrame(b.readRetainedSlice(n))));
            }
        } finally {
            b.release();
        }
        all.finish(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (closing || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        closing = true;
        // no wait for the write: a peer that stopped reading must not keep the stream open
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
        ctx.close(promise);
    }
}
