package dev.alknet.core.drain;

import java.time.Duration;
import java.util.function.IntSupplier;

/** Waits, bounded, for open streams to finish on their own: the middle step of a graceful shutdown. */
public final class DrainWait {

    private static final long POLL_MILLIS = 50;

    private DrainWait() {
    }

    /**
     * Polls {@code active} until it reports 0 or {@code bound} has passed.
     *
     * @return true if everything finished in time
     */
    public static boolean await(IntSupplier active, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (active.getAsInt() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
