package dev.alknet.transport.resume;

import dev.alknet.transport.EventLoops;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client side of a resume: dials new carriers (backing off 50 ms to 1 s) and sends the hello until the
 * server takes it, refuses it, or the grace runs out (then the stream fails and the session ends). An attempt whose
 * carrier dies before the hello is out, or that gets no answer within the answer timeout, is retried: a path
 * that swallows one attempt must not hold the resume until the grace ends.
 */
public final class ResumeDialer {

    private static final Logger LOG = LoggerFactory.getLogger(ResumeDialer.class);
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alknet-resume-dialer");
        t.setDaemon(true);
        return t;
    });

    /** The server answers a hello at once (one RTT); 5 s is a path that lost it. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

    private final ResumableStream stream;
    private final Supplier<CompletableFuture<Channel>> dial;
    private final Duration answerTimeout;

    public ResumeDialer(ResumableStream stream, Supplier<CompletableFuture<Channel>> dial) {
        this(stream, dial, ANSWER_TIMEOUT);
    }

    ResumeDialer(ResumableStream stream, Supplier<CompletableFuture<Channel>> dial, Duration answerTimeout) {
        this.stream = stream;
        this.dial = dial;
        this.answerTimeout = answerTimeout;
    }

    public void start() {
        attempt(0);
    }

    private void attempt(int n) {
        if (stream.ended()) {
            return;
        }
        dial.get().whenComplete((ch, failure) -> {
            if (failure != null) {
                LOG.debug("resume dial {} failed: {}", n, failure.toString());
                if (refused(failure)) {
                    // the host answers but nothing listens: the server process is gone, and its sessions with it
                    stream.fail("server refused the connection (restarted?)");
                    return;
                }
                retry(n);
                return;
            }
            if (stream.ended()) {
                ch.close();
                return;
            }
            // in one task on the carrier's loop (see ReadGate): once, a reset between two tasks stalled the resume
            EventLoops.runOnLoop(ch, () -> {
                ch.pipeline().addLast("alknet-resume-hello", new Hello(n));
                ch.config().setAutoRead(true);
            });
        });
    }

    private static boolean refused(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (c instanceof java.net.ConnectException && m.contains("refused") || m.contains("connection refused")) {
                return true;
            }
        }
        return false;
    }

    private void retry(int n) {
        if (!stream.ended()) {
            long delay = Math.min(1000, 50L << Math.min(n, 5));
            TIMER.schedule(() -> attempt(n + 1), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Sends the hello, reads the answer, then hands the carrier to the stream. */
    private final class Hello extends ChannelInboundHandlerAdapter {
        private final int attempt;
        private ByteBuf in;
        private boolean done;
        private boolean retried;
        private ScheduledFuture<?> answerDeadline;

        Hello(int attempt) {
            this.attempt = attempt;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            in = ctx.alloc().buffer(64);
            if (!ctx.channel().isActive()) {
                // Reset before this handler was in place (right after connect): no channelInactive comes to us.
                retryOnce();
                return;
            }
            answerDeadline = ctx.executor().schedule(() -> {
                LOG.debug("resume attempt {}: no answer within {} ms", attempt, answerTimeout.toMillis());
                ctx.close();
            }, answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
            ResumeToken token = stream.token();
            ctx.writeAndFlush(Unpooled.wrappedBuffer(
                    ResumeHello.hello(token, token.nextCounter(), stream.received())));
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            in.release();
            if (answerDeadline != null) {
                answerDeadline.cancel(false);
            }
            if (!done) {
                retryOnce(); // gone without an answer, whatever the way (the pipeline torn down with its carrier)
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            in.writeBytes(b);
            b.release();
            if (LineReader.lineEnd(in) < 0) {
                if (in.readableBytes() > ResumeHello.MAX_LINE) {
                    ctx.close();
                }
                return;
            }
            done = true;
            long peerReceived = ResumeHello.parseAnswer(LineReader.take(in));
            if (peerReceived < 0) {
                ResumeStats.refused();
                ctx.close();
                stream.fail("server refused the resume (session gone?)");
                return;
            }
            ResumeFraming framing = new ResumeFraming(stream, false);
            ctx.pipeline().addAfter(ctx.name(), ResumeFraming.NAME, framing);
            ChannelHandlerContext fctx = ctx.pipeline().context(framing);
            ByteBuf rest = in.readRetainedSlice(in.readableBytes());
            ctx.pipeline().remove(this);
            if (!stream.attach(framing, fctx, peerReceived)) {
                rest.release();
                ctx.close();
                stream.fail("server's count does not match what we sent");
                return;
            }
            if (rest.isReadable()) {
                framing.channelRead(fctx, rest);
                framing.channelReadComplete(fctx);
            } else {
                rest.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!done) {
                retryOnce();
            }
        }

        /** The inactive event, handlerAdded and handlerRemoved may each see one dead carrier: one retry for it. */
        private void retryOnce() {
            if (!retried) {
                retried = true;
                retry(attempt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("resume attempt {} failed", attempt, cause);
            ctx.close();
        }
    }
}
