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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client side of a resume: dials new carriers and sends the hello until the server takes it, says it does not know
 * the session, or the grace runs out (then the stream fails and the session ends). Every other outcome of an attempt
 * is a path that is not there yet, and is tried again: a refused or timed-out dial, a reset, a TLS or QUIC handshake
 * failure, a hello with no answer, a stale-counter answer (an earlier hello that a frozen path delivered late).
 * Retries back off from under 100 ms to 1 s, jittered; each attempt has a deadline derived from how long the last
 * working carrier took to set up, so a path that comes back is found within about a second.
 */
public final class ResumeDialer {

    private static final Logger LOG = LoggerFactory.getLogger(ResumeDialer.class);
    /** The resume layer's one timer thread: redials and the carrier address checks. */
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alknet-resume-dialer");
        t.setDaemon(true);
        return t;
    });

    /** Shortest deadline of one attempt (dial, then the hello's answer), whatever the last setup took. */
    static final Duration MIN_ATTEMPT = Duration.ofMillis(Long.getLong("alknet.resume.attemptMinMs", 2000));
    /** Longest deadline of one attempt: a slow path gets more time, a dead one is not waited on for long. */
    static final Duration MAX_ATTEMPT = Duration.ofSeconds(10);
    static final long FIRST_RETRY_MS = 100;
    static final long MAX_RETRY_MS = 1000;

    private final ResumableStream stream;
    private final Supplier<CompletableFuture<Channel>> dial;
    private final Duration minAttempt;

    public ResumeDialer(ResumableStream stream, Supplier<CompletableFuture<Channel>> dial) {
        this(stream, dial, MIN_ATTEMPT);
    }

    ResumeDialer(ResumableStream stream, Supplier<CompletableFuture<Channel>> dial, Duration minAttempt) {
        this.stream = stream;
        this.dial = dial;
        this.minAttempt = minAttempt;
    }

    public void start() {
        attempt(0);
    }

    /** How long a dial, and then the answer to its hello, may take: 3x the last working setup, within [min, 10 s]. */
    Duration attemptDeadline() {
        long setup = stream.setupNanos();
        long d = setup < 0 ? minAttempt.toNanos() * 2 : 3 * setup;
        return Duration.ofNanos(Math.min(MAX_ATTEMPT.toNanos(), Math.max(minAttempt.toNanos(), d)));
    }

    /** Backoff before attempt {@code n + 1}: 100 ms doubling to 1 s, each drawn from its upper half. */
    static long retryDelayMs(int n) {
        long d = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(n, 4));
        return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
    }

    private void attempt(int n) {
        if (stream.ended()) {
            return;
        }
        int tries = stream.attemptStarted();
        long started = System.nanoTime();
        Duration deadline = attemptDeadline();
        AtomicBoolean over = new AtomicBoolean();
        ScheduledFuture<?> timeout = TIMER.schedule(() -> {
            if (over.compareAndSet(false, true)) {
                failed(n, tries, "no carrier within " + deadline.toMillis() + " ms");
            }
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture<Channel> d;
        try {
            d = dial.get();
        } catch (RuntimeException e) {
            d = CompletableFuture.failedFuture(e);
        }
        d.whenComplete((ch, failure) -> {
            if (!over.compareAndSet(false, true)) {
                if (ch != null) {
                    ch.close(); // too late: the next attempt is already on its way
                }
                return;
            }
            timeout.cancel(false);
            if (failure != null) {
                failed(n, tries, cause(failure));
                return;
            }
            if (stream.ended()) {
                ch.close();
                return;
            }
            // in one task on the carrier's loop (see ReadGate): once, a reset between two tasks stalled the resume
            EventLoops.runOnLoop(ch, () -> {
                ch.pipeline().addLast("alknet-resume-hello", new Hello(n, tries, started, deadline));
                ch.config().setAutoRead(true);
            });
        });
    }

    private static String cause(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    /** One attempt is over without a carrier: try again after the backoff, while the grace lasts. */
    private void failed(int n, int tries, String why) {
        if (stream.ended()) {
            return;
        }
        if (tries == 1 || tries % 10 == 0) {
            LOG.info("resume attempt {} failed ({}); retrying", tries, why);
        } else {
            LOG.debug("resume attempt {} failed ({}); retrying", tries, why);
        }
        TIMER.schedule(() -> attempt(n + 1), retryDelayMs(n), TimeUnit.MILLISECONDS);
    }

    /** Sends the hello, reads the answer, then hands the carrier to the stream. */
    private final class Hello extends ChannelInboundHandlerAdapter {
        private final int attempt;
        private final int tries;
        private final long started;
        private final Duration deadline;
        private ByteBuf in;
        private boolean done;
        private boolean retried;
        private String why = "carrier closed before an answer";
        private ScheduledFuture<?> answerDeadline;

        Hello(int attempt, int tries, long started, Duration deadline) {
            this.attempt = attempt;
            this.tries = tries;
            this.started = started;
            this.deadline = deadline;
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
                why = "no answer within " + deadline.toMillis() + " ms";
                ctx.close();
            }, deadline.toMillis(), TimeUnit.MILLISECONDS);
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
            String answer = LineReader.take(in);
            long peerReceived = ResumeHello.parseAnswer(answer);
            if (peerReceived < 0) {
                if (ResumeHello.unknownSession(answer)) {
                    done = true;
                    ResumeStats.refused();
                    ctx.close();
                    stream.fail(ResumeStats.Cause.UNKNOWN_SESSION, "the server does not know the session"
                            + " (restarted, or its grace is over)");
                    return;
                }
                why = "server answered '" + answer + "'"; // a stale counter: a new hello gets a fresh one
                ctx.close();
                return;
            }
            done = true;
            stream.carrierSetUp(System.nanoTime() - started);
            ResumeFraming framing = new ResumeFraming(stream, false);
            ctx.pipeline().addAfter(ctx.name(), ResumeFraming.NAME, framing);
            ChannelHandlerContext fctx = ctx.pipeline().context(framing);
            ByteBuf rest = in.readRetainedSlice(in.readableBytes());
            ctx.pipeline().remove(this);
            if (!stream.attach(framing, fctx, peerReceived)) {
                rest.release();
                ctx.close();
                stream.fail(ResumeStats.Cause.COUNT_MISMATCH, "server's count does not match what we sent");
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
                failed(attempt, tries, why);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            why = cause(cause);
            ctx.close();
        }
    }
}
