package dev.alknet.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.LongSupplier;

/** Waits for a growing counter (bytes sent, bytes accepted) to stall: back-pressure has taken hold. */
public final class Plateau {

    private Plateau() {
    }

    /**
     * Polls {@code counter} every 50 ms until it has moved from where it stood, {@code min} has passed, and it has
     * not moved for {@code quiet}; returns its value then. Fails with "WHAT VALUE" past {@code max}.
     */
    public static long await(LongSupplier counter, Duration min, Duration quiet, Duration max, String what)
            throws InterruptedException {
        long start = System.nanoTime();
        long first = counter.getAsLong();
        long value = first;
        long changedAt = start;
        while (true) {
            Thread.sleep(50);
            long now = System.nanoTime();
            long v = counter.getAsLong();
            if (v != value) {
                value = v;
                changedAt = now;
            }
            if (value != first && now - start >= min.toNanos() && now - changedAt >= quiet.toNanos()) {
                return value;
            }
            if (now - start > max.toNanos()) {
                return fail(what + " " + value);
            }
        }
    }
}
