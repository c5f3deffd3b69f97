package dev.alknet.core.log;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The INFO lines of denials, at most {@link #BURST} per {@link #WINDOW_SECONDS} seconds for the whole process: a
 * peer flooding denied datagrams, channel opens or connections cannot flood the journal. The lines held back are
 * counted and reported in one line when the next window's first denial comes. Thread-safe.
 */
public final class DenialLog {

    /** Where the lines go: an SLF4J logger's {@code info}. */
    @FunctionalInterface
    public interface Sink {
        void info(String format, Object... args);
    }

    public static final int BURST = 20;
    public static final long WINDOW_SECONDS = 60;

    private final Sink log;
    private final String what;
    private final LongSupplier nanoClock;
    private final long window = TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
    private long windowStart;
    private int logged;
    private long heldBack;

    /** {@code what} names the denials in the line about those held back, e.g. "policy denials". */
    public DenialLog(Sink log, LongSupplier nanoClock, String what) {
        this.log = log;
        this.what = what;
        this.nanoClock = nanoClock;
        this.windowStart = nanoClock.getAsLong();
    }

    /** Logs {@code format} at INFO unless this window's lines are used up. */
    public void denied(String format, Object... args) {
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
            log.info("{} more {} were not logged (at most {} lines per {} s)", report, what, BURST, WINDOW_SECONDS);
        }
        if (write) {
            log.info(format, args);
        }
    }
}
