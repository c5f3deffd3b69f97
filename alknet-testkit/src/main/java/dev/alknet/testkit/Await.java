package dev.alknet.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits on an event: polls a condition until it holds, fails the test when the limit passes first. */
public final class Await {

    private Await() {
    }

    /** Polls {@code condition} every 20 ms; fails with "timed out after N ms waiting for WHAT" past {@code limit}. */
    public static void await(BooleanSupplier condition, Duration limit, Supplier<String> what)
            throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out after " + limit.toMillis() + " ms waiting for " + what.get());
            }
            Thread.sleep(20);
        }
    }

    public static void await(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        await(condition, limit, () -> what);
    }

    /**
     * An absence check: polls {@code happened} every 20 ms for {@code window} and fails as soon as it holds. Only
     * meaningful where the test has shown that the event, had it happened, would be seen.
     */
    public static void never(BooleanSupplier happened, Duration window, Supplier<String> what)
            throws InterruptedException {
        long end = System.nanoTime() + window.toNanos();
        while (true) {
            boolean last = System.nanoTime() > end;
            if (happened.getAsBoolean()) {
                fail(what.get());
            }
            if (last) {
                return;
            }
            Thread.sleep(20);
        }
    }
}
