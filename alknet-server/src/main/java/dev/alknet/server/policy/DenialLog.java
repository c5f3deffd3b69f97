package dev.alknet.server.policy;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The INFO lines of policy denials, at most {@link #BURST} per {@link #WINDOW_SECONDS} seconds for the whole
 * server: a client flooding denied UDP datagrams or channel opens cannot flood the journal. The lines held back
 * are counted and reported in one line when the next window's first denial comes. Thread-safe.
 */
final class DenialLog {

    /** Where the lines go: an SLF4J logger's {@code info}. */
    @FunctionalInterface
    interface Sink {
        void info(String format, Object... args);
    }

    static final int BURST = 20;
    static final long WINDOW_SECONDS = 60;

    private final Sink log;
    private final LongSupplier nanoClock;
    private final long window = TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
    private long windowStart;
    private int logged;
    private long heldBack;

    DenialLog(Sink log, LongSupplier nanoClock) {
        this.log = log;
        this.nanoClock = nanoClock;
        this.windowStart = nanoClock.getAsLong();
    }

    /** Logs {@code format} at INFO unless this window's lines are used up. */
    void denied(String format, Object... args) {
        boolean write;
        long report = 0;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (now - windowStart >= window) {
                report = heldBack;
                heldBack = 0;
                logged = 0;
                windowStart = now;
            }
            write = logged < BURST;
            if (write) {
                logged++;
            } else {
                heldBack++;
            }
        }
        if (report > 0) {
            log.info("{} more policy denials were not logged (at most {} lines per {} s)", report, BURST,
                    WINDOW_SECONDS);
        }
        if (write) {
            log.info(format, args);
        }
    }
}
