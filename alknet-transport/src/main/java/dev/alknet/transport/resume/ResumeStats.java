package dev.alknet.transport.resume;

import java.util.concurrent.atomic.AtomicLong;

/** Process-wide resume counters, for logs now and a metrics module later. */
public final class ResumeStats {

    private static final AtomicLong ARMED = new AtomicLong();
    private static final AtomicLong RESUMES = new AtomicLong();
    private static final AtomicLong FAILURES = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();
    private static final AtomicLong BYTES_REPLAYED = new AtomicLong();
    private static final AtomicLong DETACHED_NANOS = new AtomicLong();
    private static final AtomicLong LAST_DETACHED_NANOS = new AtomicLong();

    private ResumeStats() {
    }

    static void resumed(long detachedNanos, long replayed) {
        RESUMES.incrementAndGet();
        BYTES_REPLAYED.addAndGet(replayed);
        DETACHED_NANOS.addAndGet(detachedNanos);
        LAST_DETACHED_NANOS.set(detachedNanos);
    }

    static void armed() {
        ARMED.incrementAndGet();
    }

    /** Streams (either end) that got their resume token: from then on a lost carrier is resumed. */
    public static long armedStreams() {
        return ARMED.get();
    }

    /** A stream that could not be resumed (grace elapsed, peer refused). */
    public static void failed() {
        FAILURES.incrementAndGet();
    }

    /** A resume hello refused (unknown, stale or forged token). */
    public static void refused() {
        REFUSED.incrementAndGet();
    }

    public static long resumes() {
        return RESUMES.get();
    }

    public static long failures() {
        return FAILURES.get();
    }

    public static long refusals() {
        return REFUSED.get();
    }

    public static long bytesReplayed() {
        return BYTES_REPLAYED.get();
    }

    /** Total time streams spent without a carrier before they resumed. */
    public static long detachedNanos() {
        return DETACHED_NANOS.get();
    }

    public static long lastDetachedNanos() {
        return LAST_DETACHED_NANOS.get();
    }
}
