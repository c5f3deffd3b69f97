package dev.alknet.transport.resume;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framing of one carrier of a {@link ResumableStream}: outbound bytes become DATA records (kept for
 * replay), inbound records become bytes again; acknowledgements go out every {@code ackEvery} bytes or
 * {@link #TICK_MS}. While the stream is armed, the carrier's death (close, EOF, error, a peer that stopped
 * acknowledging) is not passed on: the stream waits for a resume instead.
 *
 * <p>Ending the stream on purpose is a lingering close: CLOSE, then FIN, then whatever the peer still sends is read
 * and dropped until it closes too ({@link #LINGER_MS} at most). Closing the socket at once would make the kernel
 * answer the peer's unread bytes with a reset, which can destroy the CLOSE record before the peer reads it: the
 * peer would then take the end for a lost carrier and hold the session for its resume grace.
 */
public final class ResumeFraming extends ChannelDuplexHandler implements FrameReader.Sink {

    public static final String NAME = "alknet-resume";
    private static final Logger LOG = LoggerFactory.getLogger(ResumeFraming.class);
    static final long TICK_MS = 50;
    static final long LINGER_MS = Long.getLong("alknet.resume.lingerMs", 2000);

    private final ResumableStream stream;
    private final FrameReader reader = new FrameReader(this);
    private boolean rawLineOut;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> ticker;
    private boolean ackPending;
    private Runnable afterAbandon;
    private boolean abandoned;
    /** Set once this side sent CLOSE: the close promise waiting for the peer's end of the carrier. */
    private ChannelPromise lingering;
    private boolean lingerOver;

    /** @param rawLineOut pass the first outbound line (the server's SSH identification) unframed */
    ResumeFraming(ResumableStream stream, boolean rawLineOut) {
        this.stream = stream;
        this.rawLineOut = rawLineOut;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ticker = ctx.executor().scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        ticker.cancel(false);
    }

    private void tick() {
        if (abandoned || !ctx.channel().isActive() || !stream.isCurrent(this)) {
            return;
        }
        long ack = stream.takeAck();
        if (ack < 0) {
            ack = stream.nudgeAck(System.nanoTime());
        }
        if (ack >= 0) {
            ctx.writeAndFlush(Frames.ack(ctx.alloc(), ack), ctx.voidPromise());
        }
        if (stream.armed() && stream.stalled(System.nanoTime())) {
            LOG.info("carrier silent for {} ms with bytes outstanding (round trip {}) on {}: dropping it to resume",
                    stream.deadAfter().toMillis(), stream.rtt() == null ? "not measured"
                            : stream.rtt().toNanos() / 1000 + " us", ctx.channel());
            abandon(null);
        }
    }

    // ---- inbound ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingering != null) {
            ReferenceCountUtil.release(msg); // the stream has ended: only the peer's end is awaited
            return;
        }
        if (abandoned) {
            // a carrier being replaced (a new one took the session over): what it still delivers is stale
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf b) {
            stream.heard(System.nanoTime());
            reader.read(b);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void data(ByteBuf slice) {
        if (stream.onData(slice.readableBytes())) {
            ackPending = true;
        }
        ctx.fireChannelRead(slice);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (ackPending) {
            ackPending = false;
            long ack = stream.takeAck();
            if (ack >= 0) {
                ctx.writeAndFlush(Frames.ack(ctx.alloc(), ack), ctx.voidPromise());
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public boolean ack(long received) {
        return stream.onAck(this, ctx, received);
    }

    @Override
    public void close() {
        // the peer ended the stream on purpose: no resume, the layer above sees the end of its input
        stream.end();
        ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        ctx.close();
    }

    @Override
    public void corrupt(String why) {
        stream.end();
        ctx.fireExceptionCaught(new IOException("resumable carrier: " + why));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && lingering != null) {
            stopLingering(); // the peer read our CLOSE and closed its side
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent && stream.armed()) {
            abandon(null); // the carrier's EOF is not the stream's: only a CLOSE record is
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (lingering != null) {
            stopLingering();
        }
        Runnable then = afterAbandon;
        afterAbandon = null;
        if ((abandoned || stream.armed()) && !stream.ended()) {
            stream.carrierLost(this);
            if (then != null) {
                then.run();
            }
            return;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (lingering != null) {
            stopLingering(); // e.g. a reset from a peer that did not linger: the stream had already ended
            return;
        }
        if (stream.armed()) {
            LOG.debug("carrier failed: {}", ctx.channel(), cause);
            abandon(null);
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            stream.writable(this, ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    // ---- outbound ----

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf b)) {
            ctx.write(msg, promise);
            return;
        }
        if (rawLineOut) {
            int eol = b.indexOf(b.readerIndex(), b.writerIndex(), (byte) '\n');
            if (eol < 0) {
                ctx.write(b, promise);
                return;
            }
            rawLineOut = false;
            ctx.write(b.readRetainedSlice(eol + 1 - b.readerIndex()));
        }
        stream.write(this, ctx, b, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (lingering != null) {
            ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
            return;
        }
        if (!abandoned && stream.isCurrent(this)) {
            stream.end();
            lingering = promise;
            ctx.channel().config().setAutoRead(true); // the peer's end must be read even if SSH paused reading
            ctx.read();
            ScheduledFuture<?> limit = ctx.executor().schedule(this::stopLingering, LINGER_MS, TimeUnit.MILLISECONDS);
            promise.addListener(f -> limit.cancel(false));
            ctx.writeAndFlush(Frames.close(ctx.alloc())).addListener(f -> {
                if (f.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput();
                } else {
                    stopLingering();
                }
            });
            return;
        }
        ctx.close(promise);
    }

    private void stopLingering() {
        if (!lingerOver) {
            lingerOver = true;
            ctx.close(lingering);
        }
    }

    /**
     * Closes the carrier without ending the stream; {@code then} runs once it is down (on its loop). The close skips
     * the handlers below (TLS close_notify, a QUIC stream's FIN): the path may be dead, and a close that waits for a
     * flush on a dead path would hold the stream (and a resume waiting to take it over) for the flush's time-out.
     */
    void abandon(Runnable then) {
        ctx.executor().execute(() -> {
            if (abandoned && ctx.channel().isActive()) {
                Runnable before = afterAbandon; // already going down: run then after what was waiting
                afterAbandon = before == null ? then : then == null ? before : () -> {
                    before.run();
                    then.run();
                };
                return;
            }
            abandoned = true;
            if (ctx.channel().isActive()) {
                afterAbandon = then;
                ctx.channel().unsafe().close(ctx.channel().voidPromise());
            } else {
                stream.carrierLost(this);
                if (then != null) {
                    then.run();
                }
            }
        });
    }

    ChannelHandlerContext context() {
        return ctx;
    }
}
