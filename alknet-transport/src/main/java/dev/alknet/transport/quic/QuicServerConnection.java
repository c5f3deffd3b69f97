package dev.alknet.transport.quic;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side lifetime of one QUIC connection: counts its accepted streams and closes the connection
 * (after {@link QuicLinger}) when the last one closed, or when none arrived within {@code firstStream} of the
 * connection's first packet: a handshake that never finishes, or a client that opens a stream and never writes
 * to it (the server only learns of a stream from its first bytes), is not kept for the whole idle timeout.
 * Runs on the connection's event loop, as do its streams.
 */
final class QuicServerConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(QuicServerConnection.class);

    private final Duration firstStream;
    private int open;
    private boolean seen;
    private ScheduledFuture<?> noStreamTimer;

    QuicServerConnection(Duration firstStream) {
        this.firstStream = firstStream;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        noStreamTimer = ctx.executor().schedule(() -> {
            if (!seen) {
                log.debug("{}: no stream within {} ms, closing", ctx.channel(), firstStream.toMillis());
                ctx.close();
            }
        }, firstStream.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (noStreamTimer != null) {
            noStreamTimer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A failed handshake (wrong ALPN, ...) or a connection error: the connection closes by itself.
        log.debug("{}: {}", ctx.channel(), cause.toString());
    }

    void streamOpened(QuicStreamChannel stream) {
        seen = true;
        open++;
        stream.closeFuture().addListener(f -> {
            if (--open == 0) {
                QuicLinger.closeLater((QuicChannel) stream.parent());
            }
        });
    }
}
