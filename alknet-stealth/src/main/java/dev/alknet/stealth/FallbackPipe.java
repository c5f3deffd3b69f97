package dev.alknet.stealth;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The {@code --stealth-fallback} front: a byte pipe to the real web server behind, fed first with the
 * bytes the gate read. Each direction reads its next buffer only once the previous one was written, and
 * half-closes follow through. If the site behind cannot be reached the peer gets nginx's 502 page.
 */
final class FallbackPipe extends ChannelInboundHandlerAdapter {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(FallbackPipe.class);

    private final InetSocketAddress target;
    private final Duration connectTimeout;
    private final Class<? extends Channel> socketChannel;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private Channel backend;
    private boolean inputClosed;
    private boolean failed;
    private boolean backendEof;

    /** @param socketChannel the TCP channel type that fits the client's event loop (epoll or NIO) */
    FallbackPipe(InetSocketAddress target, Duration connectTimeout, Class<? extends Channel> socketChannel) {
        this.target = target;
        this.connectTimeout = connectTimeout;
        this.socketChannel = socketChannel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        // the client's event loop, so that both halves of the pipe run on one thread
        Bootstrap b = new Bootstrap().group(client.eventLoop())
                .channel(socketChannel)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(new Backend(client));
        b.connect(target).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.debug("stealth fallback {} unreachable: {}", target, f.cause().toString());
                failed = true;
                releasePending();
                ctx.writeAndFlush(NginxResponses.badGateway()).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            backend = f.channel();
            if (!client.isActive()) {
                backend.close();
                return;
            }
            Object o;
            while ((o = pending.poll()) != null) {
                backend.write(o);
            }
            ChannelFuture flushed = backend.writeAndFlush(Unpooled.EMPTY_BUFFER);
            flushed.addListener((ChannelFutureListener) w -> {
                if (!w.isSuccess()) {
                    closeBoth();
                } else if (inputClosed) {
                    ((DuplexChannel) backend).shutdownOutput();
                } else {
                    client.read();
                }
            });
            backend.read();
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (backend == null) {
            pending.add(msg);
            return;
        }
        backend.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                ctx.read();
            } else {
                closeBoth();
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputClosed = true;
            if (backendEof) {
                closeBoth();
                ctx.close();
                return;
            }
            if (backend != null) {
                backend.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                    if (backend instanceof DuplexChannel d && backend.isActive()) {
                        d.shutdownOutput();
                    }
                });
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePending();
        if (backend != null) {
            backend.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("stealth fallback: {}", cause.toString());
        closeBoth();
    }

    private void releasePending() {
        Object o;
        while ((o = pending.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    private void closeBoth() {
        if (backend != null) {
            backend.close();
        }
    }

    /** The site-behind side: relays to the client, reading on only when the client took the last buffer. */
    private final class Backend extends ChannelInboundHandlerAdapter {
        private final Channel client;

        Backend(Channel client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            client.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    ctx.read();
                } else {
                    ctx.close();
                    client.close();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                backendEof = true;
                if (inputClosed) {
                    client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                    ctx.close();
                } else {
                    client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> Closing.shutdownOutput(client));
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("stealth fallback backend: {}", cause.toString());
            ctx.close();
        }
    }
}
