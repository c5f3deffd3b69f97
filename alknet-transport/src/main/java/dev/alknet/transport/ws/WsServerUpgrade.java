package dev.alknet.transport.ws;

import dev.alknet.transport.ReadGate;
import dev.alknet.transport.StreamAcceptor;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server's side of the Upgrade: reads one request head (8 KiB at most) and, if it is a WebSocket GET for the
 * configured path, answers 101 through Netty's handshaker, turns the pipeline into frames ({@link WsFrames}) and
 * hands the stream to the acceptor with nothing read past the request (a {@link ReadGate} holds the rest). Anything
 * else gets 404 (other paths) or 400 and is closed; so is a peer that has not sent its request by the deadline.
 */
public final class WsServerUpgrade extends ChannelInboundHandlerAdapter {

    static final String NAME = "alknet-ws-upgrade";
    private static final int MAX_HEAD = 8192;

    private final String path;
    private final StreamAcceptor acceptor;
    private final long deadline;
    private ScheduledFuture<?> timer;
    private boolean done;

    private WsServerUpgrade(String path, StreamAcceptor acceptor, long deadline) {
        this.path = path;
        this.acceptor = acceptor;
        this.deadline = deadline;
    }

    /**
     * Adds the HTTP codec and this handler last in {@code ch}'s pipeline (autoRead off) and starts reading if the
     * channel is active already (else on channelActive).
     *
     * @param deadline System.nanoTime() by which the request head must be in
     */
    public static void install(Channel ch, String path, StreamAcceptor acceptor, long deadline) {
        ch.pipeline().addLast("alknet-http", new HttpServerCodec(4096, MAX_HEAD, 8192))
                .addLast("alknet-http-agg", new HttpObjectAggregator(1024))
                .addLast(NAME, new WsServerUpgrade(path, acceptor, deadline))
                .addLast(ReadGate.NAME, new ReadGate());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> {
            if (!done) {
                done = true;
                ctx.close(); // nginx too drops a request head that does not come in time, without an answer
            }
        }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof FullHttpRequest req)) {
            // the aggregator's own answers (e.g. 413) go out by themselves; anything else is not a request
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            upgrade(ctx, req);
        } finally {
            req.release();
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
        done = true;
        timer.cancel(false);
        if (!req.decoderResult().isSuccess()) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        if (!WsOptions.matches(req.uri(), path)) {
            refuse(ctx, HttpResponseStatus.NOT_FOUND);
            return;
        }
        if (!HttpMethod.GET.equals(req.method())
                || !req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(WsFrames.MAX_FRAME)
                .expectMaskedFrames(true)
                .allowExtensions(false)
                .build();
        WebSocketServerHandshaker13 handshaker = new WebSocketServerHandshaker13(null, null, config);
        Channel ch = ctx.channel();
        try {
            handshaker.handshake(ch, req).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    ch.close();
                    return;
                }
                ch.pipeline().addBefore(ReadGate.NAME, WsFrames.NAME, new WsFrames());
                ch.pipeline().remove(this);
                // a task of its own: the handlers that read the request (a stealth gate) have left by then
                ch.eventLoop().execute(() -> acceptor.accept(ch));
            });
        } catch (RuntimeException e) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST); // no key, wrong version
        }
    }

    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!done) {
            ctx.read();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            done = true;
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
