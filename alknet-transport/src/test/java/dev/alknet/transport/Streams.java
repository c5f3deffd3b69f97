package dev.alknet.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Test helpers: a sink that reads a stream to EOF, an echo handler, hashing. */
public final class Streams {

    private Streams() {
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static <T> T await(CompletableFuture<T> f, long seconds) throws Exception {
        return f.get(seconds, TimeUnit.SECONDS);
    }

    /** Reads to EOF (input shutdown or close); {@link #done} completes with the SHA-256 of what came. */
    public static final class Sink extends ChannelInboundHandlerAdapter {
        private final MessageDigest sha;
        private final ByteArrayOutputStream kept; // null: hash only
        public final CompletableFuture<String> done = new CompletableFuture<>();
        public final CompletableFuture<Void> firstByte = new CompletableFuture<>();
        public volatile long bytes;

        public Sink(boolean keep) {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            kept = keep ? new ByteArrayOutputStream() : null;
        }

        public synchronized byte[] received() {
            return kept.toByteArray();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                byte[] chunk = new byte[b.readableBytes()];
                b.readBytes(chunk);
                sha.update(chunk);
                synchronized (this) {
                    if (kept != null) {
                        kept.write(chunk, 0, chunk.length);
                    }
                }
                bytes += chunk.length;
                firstByte.complete(null);
            } finally {
                b.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                finish();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }

        private void finish() {
            if (!done.isDone()) {
                done.complete(HexFormat.of().formatHex(sha.digest()));
            }
        }
    }

    /**
     * Echoes everything back with backpressure; on the peer's FIN it flushes, sends its own FIN, and
     * closes once both directions are done.
     */
    public static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
            if (!ctx.channel().isWritable()) {
                ctx.flush();
                if (!ctx.channel().isWritable()) {
                    ctx.channel().config().setAutoRead(false);
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f ->
                        ((DuplexChannel) ctx.channel()).shutdownOutput().addListener(g -> ctx.close()));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Installs {@code handler} last and starts reading: what a transport's user does with a stream. */
    public static void start(Channel ch, io.netty.channel.ChannelHandler handler) {
        ch.eventLoop().execute(() -> {
            ch.pipeline().addLast(handler);
            ch.config().setAutoRead(true);
        });
    }

    /** Writes {@code data} then sends FIN; the future completes when the FIN went out. */
    public static ChannelFuture sendAndFin(Channel ch, byte[] data) {
        var promise = ch.newPromise();
        ch.writeAndFlush(Unpooled.wrappedBuffer(data)).addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            ((DuplexChannel) ch).shutdownOutput().addListener(g -> {
                if (g.isSuccess()) {
                    promise.trySuccess();
                } else {
                    promise.tryFailure(g.cause());
                }
            });
        });
        return promise;
    }
}
