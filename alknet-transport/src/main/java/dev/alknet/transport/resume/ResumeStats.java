package dev.alknet.transport.resume;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/** Process-wide resume counters, read by the metrics module and the status file. */
public final class ResumeStats {

    /** Why a stream could not be resumed. */
    public enum Cause {
        /** The server does not know the session (restarted, or its grace ended first). */
        UNKNOWN_SESSION("unknown_session"),
        /** No carrier got through within the grace. */
        GRACE_ELAPSED("grace_elapsed"),
        /** The two ends disagree on the byte counts: a bug or a tampering peer. */
        COUNT_MISMATCH("count_mismatch"),
        /** Server: a parked session ended early to make room (a per-key, per-address or global cap). */
        LIMIT("limit");

        public final String label;

        Cause(String label) {
            this.label = label;
        }
    }

    private static final Map<Cause, AtomicLong> FAILURES_BY_CAUSE = new EnumMap<>(Cause.class);
    private static final AtomicLong DETACHED_NOW = new AtomicLong();
    private static final List<LongConsumer> RESUME_LISTENERS = new CopyOnWriteArrayList<>();

    static {
        for (Cause c : Cause.values()) {
            FAILURES_BY_CAUSE.put(c, new AtomicLong());
        }
    }

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
        for (LongConsumer l : RESUME_LISTENERS) {
            l.accept(detachedNanos);
        }
    }

    /** {@code l} gets each resume's time without a carrier, in nanoseconds (a metrics histogram). */
    public static void onResume(LongConsumer l) {
        RESUME_LISTENERS.add(l);
    }

    static void detached(int delta) {
        DETACHED_NOW.addAndGet(delta);
    }

    /** Streams of this process waiting for a new carrier right now. */
    public static long detachedNow() {
        return DETACHED_NOW.get();
    }

    public static long failures(Cause c) {
        return FAILURES_BY_CAUSE.get(c).get();
    }

    static void armed() {
        ARMED.incrementAndGet();
    }

    /** Streams (either end) that got their resume token: from then on a lost carrier is resumed. */
    public static long armedStreams() {
        return ARMED.get();
    }

    /** A stream that could not be resumed. */
    static void failed(Cause c) {
        FAILURES.incrementAndGet();
        FAILURES_BY_CAUSE.get(c).incrementAndGet();
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
