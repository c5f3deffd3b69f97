package dev.alknet.server.stealth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One probe over a stream our own transport opened: send bytes, collect the answer until close or a wait. */
final class StreamExchange {

    private StreamExchange() {
    }

    /** Sends {@code bytes} on a stream our own transport opened (no proof of its own), collects the answer. */
    static String exchange(Channel stream, byte[] bytes, Duration wait) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        stream.eventLoop().submit(() -> {
            stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    synchronized (got) {
                        got.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(b));
                    }
                    b.release();
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    closed.complete(null);
                }
            });
            stream.config().setAutoRead(true);
            stream.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        }).get(10, TimeUnit.SECONDS);
        try {
            closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // keep-alive or SSH: still open
        }
        stream.close();
        if (stream.parent() != null) {
            stream.parent().close();
        }
        synchronized (got) {
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
