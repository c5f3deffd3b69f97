package dev.alknet.testkit;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Bounded polls that hand the outcome back instead of failing, for a test whose own assertion (and message) follows:
 * {@link #within} says whether a condition came to hold in time, {@link #value} gives the first value that passes a
 * test, or the last one seen when time ran out. A check may throw to end the wait early (a process that exited).
 * For a wait that fails by itself, see {@link Await}.
 */
public final class Eventually {

    /** Polled condition. */
    @FunctionalInterface
    public interface Check<E extends Exception> {
        boolean holds() throws E;
    }

    /** Polled value. */
    @FunctionalInterface
    public interface Probe<T, E extends Exception> {
        T get() throws E;
    }

    private static final Duration EVERY = Duration.ofMillis(20);

    private Eventually() {
    }

    /** Polls {@code check} every 20 ms; true as soon as it holds, false if it still does not once {@code limit} passed. */
    public static <E extends Exception> boolean within(Duration limit, Check<E> check) throws E, InterruptedException {
        return within(limit, EVERY, check);
    }

    /** The same, polling every {@code every} (for a check that is itself expensive, such as a process run). */
    public static <E extends Exception> boolean within(Duration limit, Duration every, Check<E> check)
            throws E, InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            boolean last = System.nanoTime() - end >= 0;
            if (check.holds()) {
                return true;
            }
            if (last) {
                return false;
            }
            Thread.sleep(every.toMillis());
        }
    }

    /** Gets a value every {@code every} until {@code done} accepts it or {@code limit} passed; returns the last one. */
    public static <T, E extends Exception> T value(Duration limit, Duration every, Probe<T, E> probe,
            Predicate<? super T> done) throws E, InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            boolean last = System.nanoTime() - end >= 0;
            T v = probe.get();
            if (last || done.test(v)) {
                return v;
            }
            Thread.sleep(every.toMillis());
        }
    }
}
