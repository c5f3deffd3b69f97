package dev.alknet.core.channel;

import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.function.LongSupplier;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive window of one channel, replacing MINA's {@code LocalWindow} for relayed streams: it counts the peer's
 * credit, gives credit back in batches once our socket took the bytes, and grows toward the bandwidth-delay product
 * when the window is what holds the stream back (what TCP receive autotuning and the HPN-SSH patches do).
 *
 * <p>Why: a fixed window caps a stream at window / RTT (8 MiB at 100 ms: 80 MiB/s at best, stock OpenSSH's 2 MiB:
 * ~20 MiB/s). MINA's window has a fixed maximum, and it answers nearly every half packet with a window adjust
 * (mina-sshd#884), so the channel accounts here and MINA's window is left untouched.
 *
 * <p>When to grow, without knowing the RTT: when credit is given back, the byte offset up to which the peer may now
 * send is noted with the time. The time until the peer used all of it (a "round") is at least one RTT (bytes beyond
 * the previous limit cannot arrive before that credit went out and data came back), and the credit it used divided
 * by that time is the stream's rate. After each round of a bulk stream (interactive streams never use a whole
 * window, so they never finish a round) the window doubles, up to {@link #MAX_WINDOW} and as far as the session's
 * {@link WindowBudget} allows, while our socket keeps up (little data waits for it). The next round judges the
 * growth: if the window was the limit the rate grows with it (same round time, more bytes); if the link is, the
 * round takes longer and the rate stays: that growth is taken back, and the next attempt waits
 * {@value #PROBE_AFTER} rounds. When our socket falls behind (three quarters of the window wait for it), all growth
 * goes back to the budget and no credit is given until the backlog is below the initial window: credit already given
 * cannot be taken back, so a reader that stops holds at most the window it had then.
 *
 * <p>Thread-safe: data is consumed on the session's reader thread, released from socket event loops.
 */
public final class ReceiveWindow {

    /** Largest a channel's receive window grows to. */
    public static final long MAX_WINDOW = Long.getLong("alknet.ssh.maxWindow", 64L * 1024 * 1024);

    private static final Logger LOG = LoggerFactory.getLogger(ReceiveWindow.class);
    private static final long UINT32_MAX = 0xFFFF_FFFFL;
    /** A growth is kept when the next round moved at least this much faster. */
    private static final double PAYS = 1.15;
    /** Rounds to wait after a growth that did not pay before trying again (the path may have changed). */
    private static final int PROBE_AFTER = 8;

    /** Sends a window adjust of {@code bytes}; the channel's {@code sendWindowAdjust}. */
    public interface Adjust {
        void send(long bytes) throws IOException;
    }

    private final Object name; // toString() only when logged: a channel's is costly
    private final Adjust adjust;
    private final WindowBudget budget;
    private final LongSupplier clock;
    private final long base;
    private final long cap;
    private final long packetSize;

    private long limit;
    private long granted;
    private long queued;
    private long consumedTotal;
    private long roundEdge = -1;
    private long roundStart;
    private long roundBytes;
    private double rateBeforeGrowth;
    private long grownFrom;    // the limit before the last growth, until the next round judged it; 0 otherwise
    private int roundsToProbe; // rounds to wait before trying to grow again after a growth that did not pay
    private boolean closed;

    /**
     * @param initial the window the peer was told at channel open
     * @param packetSize the largest data packet we accept
     */
    public ReceiveWindow(Object name, long initial, long packetSize, WindowBudget budget, Adjust adjust,
            LongSupplier clock) {
        this.name = name;
        this.base = initial;
        this.limit = initial;
        this.granted = initial;
        this.cap = Math.min(UINT32_MAX, Math.max(initial, MAX_WINDOW));
        this.packetSize = packetSize;
        this.budget = budget;
        this.adjust = adjust;
        this.clock = clock;
    }

    /**
     * The window of an open {@code channel}, starting where MINA's window was initialised (what the peer was told),
     * growing within the session's budget. {@code adjust} is the channel's {@code sendWindowAdjust}.
     */
    public static ReceiveWindow of(AbstractChannel channel, Adjust adjust) {
        LocalWindow w = channel.getLocalWindow();
        return new ReceiveWindow(channel, w.getSize(), w.getPacketSize(),
                WindowBudget.of(channel.getSession()), adjust, System::nanoTime);
    }

    /**
     * {@code len} bytes of channel data arrived: checks them against the packet size and the peer's credit.
     *
     * @throws StreamCorruptedException when the peer sent more than it was allowed
     */
    public long consume(long len) throws IOException {
        if (len < 0 || len > UINT32_MAX) {
            throw new IllegalArgumentException("Non UINT32 length (" + len + ") on " + name);
        }
        if (len > packetSize) {
            throw new StreamCorruptedException(name + ": packet of " + len + " bytes, max. allowed " + packetSize);
        }
        synchronized (this) {
            if (len > granted) {
                throw new StreamCorruptedException(name + ": " + len + " bytes above the window (" + granted + ")");
            }
            granted -= len;
            queued += len;
            consumedTotal += len;
            if (limit > base && queued > limit / 4 * 3) {
                shrink(); // our socket fell behind: no new credit until the backlog is below the initial window
            }
            if (roundEdge >= 0 && consumedTotal >= roundEdge) {
                roundEnded(clock.getAsLong() - roundStart);
            }
        }
        return len;
    }

    /** {@code n} bytes went on (our socket took them, or they were dropped): their credit goes back in batches. */
    public void release(long n) {
        long give;
        synchronized (this) {
            queued = Math.max(0, queued - n);
            give = owed();
            if (give < batch()) {
                return;
            }
            grant(give);
        }
        send(give);
    }

    /** Gives back all credit owed now, e.g. when the sender may be waiting for the last bit. */
    public void flush() {
        long give;
        synchronized (this) {
            give = owed();
            if (give <= 0) {
                return;
            }
            grant(give);
        }
        send(give);
    }

    /** The channel is closing: its growth goes back to the session's budget. */
    public void close() {
        synchronized (this) {
            closed = true;
            shrink();
        }
    }

    /** The current window size. */
    public synchronized long limit() {
        return limit;
    }

    /** The credit the peer has not used yet, in flight included. */
    public synchronized long granted() {
        return granted;
    }

    private long owed() {
        return limit - granted - queued;
    }

    private long batch() {
        return Math.max(1, Math.min(RelayTuning.RELEASE_BATCH, limit / 8));
    }

    private void grant(long give) {
        granted += give;
        if (roundEdge < 0) { // measure how long the peer takes to use everything up to here
            roundEdge = consumedTotal + granted;
            roundBytes = granted;
            roundStart = clock.getAsLong();
        }
    }

    private void roundEnded(long round) {
        roundEdge = -1;
        double rate = (double) roundBytes / Math.max(1, round);
        if (grownFrom > 0) { // this round judges the last growth: it must have bought throughput
            long from = grownFrom;
            grownFrom = 0;
            if (rate < rateBeforeGrowth * PAYS && limit > from) {
                budget.giveBack(limit - from);
                LOG.debug("{} window back to {} from {}: the link is the limit", name, from, limit);
                limit = from;
                roundsToProbe = PROBE_AFTER;
                return;
            }
        }
        if (roundsToProbe > 0) {
            roundsToProbe--;
            return;
        }
        if (closed || limit >= cap || queued > limit / 8) {
            return;
        }
        long more = budget.take(Math.min(cap, limit * 2) - limit);
        if (more > 0) {
            grownFrom = limit;
            rateBeforeGrowth = rate;
            limit += more;
            LOG.debug("{} window grown to {} (round {} µs, {} MiB/s)", name, limit, round / 1000,
                    (long) (rate * 1e9 / (1 << 20)));
        }
    }

    private void shrink() {
        if (limit > base) {
            budget.giveBack(limit - base);
            LOG.debug("{} window back to {} from {}", name, base, limit);
            limit = base;
            grownFrom = 0;
        }
    }

    private void send(long n) {
        try {
            // Internal: during a key exchange MINA queues the message instead of parking this (event loop) thread.
            ThreadUtils.runAsInternal(n, x -> {
                adjust.send(x);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} window adjust failed: {}", name, e.toString());
        }
    }
}
