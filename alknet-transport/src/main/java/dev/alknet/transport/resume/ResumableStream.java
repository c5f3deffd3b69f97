package dev.alknet.transport.resume;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical byte stream that outlives its carriers: the sequence numbers of both directions, the replay
 * buffer, writes waiting for room, and which carrier ({@link ResumeFraming}) carries it now. Every carrier
 * calls in on its own event loop; carriers follow one another, so a monitor is enough.
 */
public final class ResumableStream {

    private static final Logger LOG = LoggerFactory.getLogger(ResumableStream.class);
    /** Where a stream is found on the first carrier's channel, for the layer above to link itself. */
    public static final AttributeKey<ResumableStream> ATTR = AttributeKey.valueOf("alknet.resumable");

    /** The layer above (the SSH bridge): stop writing while detached, go on over a new carrier. */
    public interface Owner {
        void carrierLost();

        /** {@code carrier}'s pipeline has the framing handler; the owner adds its own handler after it. */
        void resumedOn(Channel carrier);

        /** No resume is coming (grace elapsed, peer refused): end the session. */
        void resumeFailed(String why);
    }

    /**
     * @param deadFloor  the shortest silence (bytes outstanding, no ACK progress) that drops a carrier; the bound
     *                   grows with the measured round trip ({@link RttEstimator})
     * @param ackTimeout the longest such silence, whatever the round trip
     */
    public record Settings(long replayBound, int ackEvery, Duration deadFloor, Duration ackTimeout, Duration grace) {
        public static Settings defaults(Duration grace) {
            return new Settings(Long.getLong("alknet.resume.replayBound", 16L << 20),
                    Integer.getInteger("alknet.resume.ackEvery", 256 << 10),
                    Duration.ofMillis(Long.getLong("alknet.resume.deadAfterMinMs", 3000)),
                    Duration.ofSeconds(Long.getLong("alknet.resume.ackTimeoutSeconds", 20)), grace);
        }
    }

    private record Pending(ByteBuf data, ChannelPromise promise) {
    }

    private final Settings settings;
    private final ReplayBuffer out;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private long received;
    private long ackSent;
    private long lastAckProgress = System.nanoTime();
    private volatile long lastHeard = System.nanoTime();
    /** When DATA last arrived (the time of the read that brought it), for the {@link SilenceNudge}. */
    private long lastData = SilenceNudge.NEVER;
    private final SilenceNudge nudge = new SilenceNudge();
    private final RttEstimator rtt;
    /** Dial attempts since the carrier was lost (client), for the resume's log line and metrics. */
    private int attempts;
    /** How long the last carrier that worked took from dial to attached: the yardstick of an attempt's deadline. */
    private volatile long setupNanos = -1;
    /** Whether this stream is in {@link ResumeStats#detachedNow()}. */
    private boolean countedDetached;
    /** Completed when a carrier carries the stream again (failed when it ends); done while attached. */
    private CompletableFuture<Void> reattached =
            CompletableFuture.completedFuture(null);
    private ResumeFraming current;
    private long detachedAt;
    private long detachments;
    private volatile ResumeToken token;
    private volatile Owner owner;
    private volatile boolean ended;
    private volatile boolean framed;
    private volatile Runnable onEnd;
    private volatile ResumeStats.Cause failure;
    private volatile ResumeRegistry.Watcher watcher = ResumeRegistry.Watcher.NONE;

    public ResumableStream(Settings settings) {
        this.settings = settings;
        this.out = new ReplayBuffer(settings.replayBound());
        this.rtt = new RttEstimator(settings.deadFloor().toNanos(), settings.ackTimeout().toNanos());
    }

    void onEnd(Runnable r) {
        onEnd = r;
    }

    void watch(ResumeRegistry.Watcher w) {
        watcher = w;
    }

    public Settings settings() {
        return settings;
    }

    public void owner(Owner o) {
        this.owner = o;
    }

    /** Once both ends hold the token, a lost carrier is resumed instead of ending the stream. */
    public void arm(ResumeToken t) {
        this.token = t;
        ResumeStats.armed();
    }

    public ResumeToken token() {
        return token;
    }

    public boolean armed() {
        return token != null && !ended;
    }

    /** Done now if a carrier carries the stream, else when one does again; failed if the stream ends instead. */
    public synchronized CompletableFuture<Void> whenAttached() {
        return reattached.copy();
    }

    /** Armed and waiting for a new carrier. */
    public synchronized boolean detached() {
        return token != null && !ended && current == null;
    }

    public boolean ended() {
        return ended;
    }

    /** Why the stream could not be resumed, or null (not failed, or ended on purpose). */
    public ResumeStats.Cause failure() {
        return failure;
    }

    synchronized void firstCarrier(ResumeFraming f) {
        current = f;
        framed = true;
    }

    /** Whether the peer took the offer (both directions framed); a stock peer leaves it false. */
    public boolean framed() {
        return framed;
    }

    // ---- data path (on the current carrier's loop) ----

    synchronized void write(ResumeFraming f, ChannelHandlerContext ctx, ByteBuf msg, ChannelPromise p) {
        int n = msg.readableBytes();
        if (n == 0) {
            msg.release();
            p.trySuccess();
            return;
        }
        if (ended) {
            msg.release();
            p.tryFailure(new IOException("stream ended"));
            return;
        }
        // An unwritable carrier holds what it has (Netty's high-water mark, TCP_NOTSENT_LOWAT below it): what is
        // not yet handed down waits here with its promise pending, so the SSH channels above feel the pressure
        // and a datagram or a keystroke queues behind at most that much, not behind the whole replay bound.
        if (f != current || !waiting.isEmpty() || !out.hasRoomFor(n) || !ctx.channel().isWritable()) {
            waiting.addLast(new Pending(msg, p));
            return;
        }
        send(ctx, msg);
        p.trySuccess();
    }

    private void send(ChannelHandlerContext ctx, ByteBuf msg) {
        if (out.held() == 0) {
            lastAckProgress = System.nanoTime();
        }
        // One copy, into a buffer of our own: the writer's future completes now, and the SSH layer may then
        // reuse its packet array while these bytes still wait on the socket or in the replay buffer.
        int n = msg.readableBytes();
        ByteBuf own = ctx.alloc().ioBuffer(Frames.DATA_HEADER + n);
        own.writeByte(Frames.DATA).writeInt(n).writeBytes(msg);
        msg.release();
        own.skipBytes(Frames.DATA_HEADER);
        out.add(own);
        rtt.sent(out.sent(), System.nanoTime());
        own.readerIndex(0);
        // a failed write is a lost carrier, found out by channelInactive: the bytes are in the replay buffer
        ctx.write(own, ctx.newPromise());
    }

    private void pump(ChannelHandlerContext ctx) {
        Pending p;
        while ((p = waiting.peekFirst()) != null && out.hasRoomFor(p.data.readableBytes())
                && ctx.channel().isWritable()) {
            waiting.removeFirst();
            send(ctx, p.data);
            p.promise.trySuccess();
        }
    }

    /** The current carrier drained below its low-water mark: hand down what waits. */
    synchronized void writable(ResumeFraming f, ChannelHandlerContext ctx) {
        if (f == current && !waiting.isEmpty()) {
            pump(ctx);
            ctx.flush();
        }
    }

    /** @return false if the peer acknowledged bytes never sent (the carrier is then dropped) */
    synchronized boolean onAck(ResumeFraming f, ChannelHandlerContext ctx, long count) {
        if (f != current) {
            return true;
        }
        if (!out.ack(count)) {
            return false;
        }
        lastAckProgress = System.nanoTime();
        rtt.acked(count, lastAckProgress);
        if (!waiting.isEmpty()) {
            pump(ctx);
            ctx.flush();
        }
        return true;
    }

    /** Counts received payload; true when an acknowledgement is due. */
    synchronized boolean onData(int n) {
        lastData = lastHeard; // set by heard() for the read this record came in
        received += n;
        return received - ackSent >= settings.ackEvery();
    }

    /** The count to acknowledge now, or -1 if nothing new arrived since the last one. */
    synchronized long takeAck() {
        if (received == ackSent) {
            return -1;
        }
        ackSent = received;
        return received;
    }

    /**
     * Unacknowledged bytes, no ACK progress and nothing at all heard from the peer for the dead-carrier bound: the
     * peer or the path is gone. Anything heard refutes it: on a carrier whose peer sends bulk data our ACK can wait
     * behind that data for seconds, while the data itself shows the path is alive.
     */
    synchronized boolean stalled(long now) {
        long bound = rtt.deadAfterNanos();
        return out.held() > 0 && now - lastAckProgress > bound && now - lastHeard > bound;
    }

    /** The current carrier delivered bytes (any record): the path is alive. On the carrier's loop. */
    void heard(long now) {
        lastHeard = now;
    }

    /** The count to send again as a nudge (see {@link SilenceNudge}), or -1 if none is due. */
    synchronized long nudgeAck(long now) {
        return nudge.due(now, lastHeard, lastData) ? ackSent : -1;
    }

    /** The current dead-carrier bound (for the log line that drops a carrier). */
    synchronized Duration deadAfter() {
        return Duration.ofNanos(rtt.deadAfterNanos());
    }

    /** Smoothed round trip of the carriers so far, or null before the first measurement. */
    public synchronized Duration rtt() {
        long r = rtt.srttNanos();
        return r < 0 ? null : Duration.ofNanos(r);
    }

    /** Client: a carrier took {@code nanos} from dial to attached. */
    public void carrierSetUp(long nanos) {
        setupNanos = nanos;
    }

    /** How long the last working carrier took to set up, or -1 if unknown. */
    long setupNanos() {
        return setupNanos;
    }

    /** Client: one more dial attempt for the resume under way. */
    synchronized int attemptStarted() {
        return ++attempts;
    }

    synchronized long received() {
        return received;
    }

    synchronized long replayHeld() {
        return out.held();
    }

    // ---- carriers ----

    /**
     * Drops the current carrier as if it had broken (its peer fell silent: keepalives went unanswered), so the
     * session is resumed on a new one instead of being closed. Returns false when there is no carrier to drop or
     * no resume to follow (not armed, ended).
     */
    public boolean dropCarrier() {
        ResumeFraming f;
        synchronized (this) {
            f = current;
        }
        if (f == null || !armed() || ended) {
            return false;
        }
        f.abandon(null);
        return true;
    }

    /** The current carrier's channel, or null while detached. */
    synchronized Channel carrier() {
        return current == null ? null : current.context().channel();
    }

    boolean isCurrent(ResumeFraming f) {
        synchronized (this) {
            return f == current;
        }
    }

    /** Called by a carrier that died; the owner parks and a resume may follow. */
    void carrierLost(ResumeFraming f) {
        long epoch;
        synchronized (this) {
            if (f != current || ended) {
                return;
            }
            current = null;
            detachedAt = System.nanoTime();
            epoch = ++detachments;
            attempts = 0;
            countDetached(true);
            reattached = new CompletableFuture<>();
        }
        f.context().executor().schedule(() -> {
            synchronized (this) {
                if (current != null || detachments != epoch) {
                    return;
                }
            }
            fail(ResumeStats.Cause.GRACE_ELAPSED, "no resume within " + settings.grace().toSeconds() + " s");
        }, settings.grace().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        LOG.info("carrier lost; {} bytes unacknowledged, resuming within {} s", replayHeld(),
                settings.grace().toSeconds());
        watcher.detached(this);
        Owner o = owner;
        if (o != null) {
            o.carrierLost();
        }
    }

    /** Drops the current carrier (if any) without ending the stream; runs on that carrier's loop. */
    void detachCurrent(Runnable then) {
        ResumeFraming f;
        synchronized (this) {
            f = current;
        }
        if (f == null) {
            then.run();
            return;
        }
        f.abandon(() -> {
            carrierLost(f);
            then.run();
        });
    }

    /**
     * Makes {@code f} (already in its carrier's pipeline) the carrier and sends again what the peer lacks.
     *
     * @return false if the peer's count is impossible; the stream is then unusable
     */
    boolean attach(ResumeFraming f, ChannelHandlerContext ctx, long peerReceived) {
        long replayed = 0;
        long detachedNanos;
        int tries;
        synchronized (this) {
            if (ended || current != null) {
                return false;
            }
            List<ByteBuf> replay = out.replayFrom(peerReceived);
            if (replay == null) {
                return false;
            }
            for (ByteBuf b : replay) {
                replayed += b.readableBytes();
                ctx.write(Frames.dataHeader(ctx.alloc(), b.readableBytes()), ctx.voidPromise());
                ctx.write(b, ctx.newPromise());
            }
            current = f;
            countDetached(false);
            reattached.complete(null);
            ackSent = received; // the peer learnt it from the handshake
            lastAckProgress = System.nanoTime();
            lastHeard = lastAckProgress;
            rtt.carrierChanged();
            pump(ctx);
            ctx.flush();
            detachedNanos = System.nanoTime() - detachedAt;
            tries = attempts;
            attempts = 0;
        }
        watcher.attached(this, ctx.channel());
        ResumeStats.resumed(detachedNanos, replayed);
        LOG.info("resumed after {} ms on {}{}; replayed {} bytes", detachedNanos / 1_000_000, ctx.channel(),
                tries > 0 ? " (attempt " + tries + ")" : "", replayed);
        Owner o = owner;
        if (o != null) {
            o.resumedOn(ctx.channel());
        }
        return true;
    }

    private void countDetached(boolean now) {
        if (now != countedDetached) {
            countedDetached = now;
            ResumeStats.detached(now ? 1 : -1);
        }
    }

    /** The stream is over (closed on purpose, or no resume possible): frees the buffers. Idempotent. */
    public void end() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            current = null;
            countDetached(false);
            reattached.completeExceptionally(new IOException("stream ended"));
            out.release();
            Pending p;
            while ((p = waiting.pollFirst()) != null) {
                p.data.release();
                p.promise.tryFailure(new IOException("stream ended"));
            }
        }
        Runnable r = onEnd;
        if (r != null) {
            r.run();
        }
    }

    /** Ends the stream because no resume is possible, and tells the owner. */
    void fail(ResumeStats.Cause cause, String why) {
        if (ended) {
            return;
        }
        failure = cause;
        end();
        ResumeStats.failed(cause);
        LOG.info("resume failed: {}", why);
        Owner o = owner;
        if (o != null) {
            o.resumeFailed(why);
        }
    }
}
