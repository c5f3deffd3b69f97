package dev.alknet.core.metrics;

/**
 * The process's {@link Metrics}. One per process on purpose: a process is one alknet client or server, and a
 * global lets the data path report without every constructor on the way carrying a metrics object.
 */
public final class AlknetMetrics {

    private static volatile Metrics current = Metrics.NOOP;

    private AlknetMetrics() {
    }

    public static Metrics get() {
        return current;
    }

    /** Replaces the process's metrics (null: back to no-op). */
    public static void install(Metrics metrics) {
        current = metrics == null ? Metrics.NOOP : metrics;
    }
}
