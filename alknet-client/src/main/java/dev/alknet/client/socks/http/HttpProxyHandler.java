package dev.alknet.client.socks.http;

import dev.alknet.core.config.HostPort;
import dev.alknet.client.socks.ConnectStage;
import dev.alknet.client.socks.SocksContext;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP proxy requests on the SOCKS port: {@code CONNECT host:port} answers 200 once the server has connected and
 * then relays; any other method with an {@code http://} URI is forwarded to the origin (see
 * {@link ForwardedRequest}) and the origin answers; that connection then carries nothing else (its body is framed
 * by {@link HttpHeadDecoder}, the client is told {@code Connection: close}). With credentials configured, {@code Proxy-Authorization:
 * Basic} must carry them, else 407. Errors are answered with a status and a one-line reason, then closed.
 */
public final class HttpProxyHandler extends ChannelInboundHandlerAdapter {

    static final String DECODER = "http-head-decoder";
    static final String RESPONSE_HEADS = "http-response-heads";
    static final String HANDLER = ConnectStage.HANDLER;

    private static final Logger log = LoggerFactory.getLogger(HttpProxyHandler.class);

    private final SocksContext context;

    private HttpProxyHandler(SocksContext context) {
        this.context = context;
    }

    /** Appends the HTTP proxy handlers; the first bytes follow. */
    public static void install(ChannelPipeline p, SocksContext context) {
        p.addLast(DECODER, new HttpHeadDecoder()).addLast(HANDLER, new HttpProxyHandler(context));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpProxyException e) {
            replyAndClose(ctx, e.status(), e.getMessage());
        } else if (msg instanceof HttpHead head) {
            try {
                onRequest(ctx, head);
            } catch (HttpProxyException e) {
                replyAndClose(ctx, e.status(), e.getMessage());
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpHead head) throws HttpProxyException {
        if (context.options().requiresAuth()
                && !BasicAuth.matches(head.header("Proxy-Authorization"), context.options().credentials())) {
            throw new HttpProxyException(407, "proxy credentials missing or wrong");
        }
        boolean tunnel = head.method().equals("CONNECT");
        ProxyTarget target = tunnel ? ProxyTarget.authority(head.target()) : ProxyTarget.absolute(head.target());
        if (!tunnel) {
            target.checkHostFields(head);
        }
        log.debug("{} HTTP {} {}:{}", ctx.channel(), head.method(), target.host(), target.port());
        var prefix = tunnel ? null : Unpooled.wrappedBuffer(ForwardedRequest.head(head, target));
        ctx.pipeline().replace(this, HANDLER, new ConnectStage(context,
                new HostPort(target.host(), target.port()), new Replies(tunnel), prefix));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.close(); // gave up before the head was complete
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} HTTP proxy stage failed", ctx.channel(), cause);
        ctx.close();
    }

    static void replyAndClose(ChannelHandlerContext ctx, int status, String detail) {
        log.debug("{} HTTP proxy answers {}: {}", ctx.channel(), status, detail);
        ctx.writeAndFlush(HttpReplies.error(ctx.alloc(), status, detail)).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * CONNECT answers 200 itself and becomes a raw tunnel; a forwarded request leaves the answer to the origin,
     * keeps the decoder (it passes the body and nothing after it) and tells the client the connection closes.
     */
    private record Replies(boolean tunnel) implements ConnectStage.Dialect {
        @Override
        public void succeeded(ChannelHandlerContext ctx) {
            if (tunnel) {
                ctx.writeAndFlush(Unpooled.copiedBuffer(HttpReplies.ESTABLISHED, StandardCharsets.ISO_8859_1));
                ctx.pipeline().remove(DECODER);
            } else {
                ctx.pipeline().addFirst(RESPONSE_HEADS, new ResponseHeads());
            }
        }

        @Override
        public void failed(ChannelHandlerContext ctx, Socks5CommandStatus status, Throwable cause) {
            replyAndClose(ctx, HttpReplies.statusFor(status), reasonOf(cause));
        }
    }

    private static String reasonOf(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip();
    }
}
