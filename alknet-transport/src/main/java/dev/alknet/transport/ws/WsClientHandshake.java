package dev.alknet.transport.ws;

import dev.alknet.transport.ReadGate;
import dev.alknet.transport.TransportException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's HTTP/1.1 Upgrade on an established stream (TCP, or TLS on it): GET {@code path} with the
 * {@code Host} asked for, then the 101 answer checked by Netty's handshaker (Sec-WebSocket-Accept), and the pipeline
 * turned into frames ({@link WsFrames}) before the {@link ReadGate}. Any other answer fails the dial with its status
 * line. Bytes that arrived behind the 101 stay in order: the frame decoder takes them over from the HTTP codec.
 */
final class WsClientHandshake extends ChannelInboundHandlerAdapter {

    static final String NAME = "alknet-ws-handshake";

    private final WebSocketClientHandshaker13 handshaker;
    private final String path;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private ScheduledFuture<?> timer;

    private WsClientHandshake(URI uri, String path) {
        this.path = path;
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.USER_AGENT, "alknet");
        // no subprotocol, no extensions (compression would copy every frame), masking as RFC 6455 asks of clients
        this.handshaker = new WebSocketClientHandshaker13(uri, WebSocketVersion.V13, null, false, headers,
                WsFrames.MAX_FRAME, true, false, -1);
    }

    /**
     * Runs the Upgrade on {@code ch} (on its event loop). {@code host} is the Host header's name, {@code port} the
     * port the stream goes to (named in Host unless it is the scheme's default).
     */
    static CompletableFuture<Void> run(Channel ch, boolean secure, String host, int port, String path,
            Duration timeout) {
        URI uri;
        try {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            uri = new URI((secure ? "wss" : "ws") + "://" + h + ":" + port + path);
        } catch (java.net.URISyntaxException e) {
            return CompletableFuture.failedFuture(new TransportException("bad WebSocket address: " + e.getMessage(), e));
        }
        WsClientHandshake hs = new WsClientHandshake(uri, path);
        ch.pipeline().addBefore(ReadGate.NAME, "alknet-http", new HttpClientCodec());
        ch.pipeline().addBefore(ReadGate.NAME, NAME, hs);
        hs.timer = ch.eventLoop().schedule(() -> hs.fail(ch, "WebSocket handshake timed out"),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        ChannelFuture sent = hs.handshaker.handshake(ch);
        sent.addListener(f -> {
            if (!f.isSuccess()) {
                hs.fail(ch, "cannot send the WebSocket request: " + f.cause().getMessage());
            }
        });
        ch.pipeline().context(hs).read();
        return hs.done;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done.isDone()) {
            if (msg instanceof HttpObject) {
                ReferenceCountUtil.release(msg); // the end of the 101 (its empty last content)
            } else {
                ctx.fireChannelRead(msg); // frames that came with the 101, on their way to WsFrames
            }
            return;
        }
        if (!(msg instanceof HttpObject)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (!(msg instanceof HttpResponse r)) {
                return;
            }
            if (!r.decoderResult().isSuccess()) {
                fail(ctx.channel(), "the server's answer is not HTTP");
                return;
            }
            if (!HttpResponseStatus.SWITCHING_PROTOCOLS.equals(r.status())) {
                fail(ctx.channel(), "server answered HTTP " + r.status() + " to the WebSocket request for " + path);
                return;
            }
            try {
                handshaker.finishHandshake(ctx.channel(), new DefaultFullHttpResponse(r.protocolVersion(), r.status(),
                        Unpooled.EMPTY_BUFFER, r.headers(), EmptyHttpHeaders.INSTANCE));
            } catch (RuntimeException e) {
                fail(ctx.channel(), "WebSocket handshake refused: " + e.getMessage());
                return;
            }
            ctx.pipeline().addBefore(ReadGate.NAME, WsFrames.NAME, new WsFrames());
            timer.cancel(false);
            done.complete(null);
            ctx.channel().eventLoop().execute(() -> {
                if (ctx.pipeline().context(this) != null) {
                    ctx.pipeline().remove(this);
                }
            });
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!done.isDone()) {
            ctx.read();
        } else {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx.channel(), "connection closed during the WebSocket handshake");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (done.isDone()) {
            ctx.fireExceptionCaught(cause);
        } else {
            fail(ctx.channel(), "WebSocket handshake failed: " + cause.getMessage());
        }
    }

    private void fail(Channel ch, String reason) {
        if (timer != null) {
            timer.cancel(false);
        }
        if (done.completeExceptionally(new TransportException(reason))) {
            ch.close();
        }
    }
}
