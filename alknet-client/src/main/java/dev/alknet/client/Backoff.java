package dev.alknet.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect delays with jitter: base doubling from {@code min} to {@code max}, each delay
 * drawn uniformly from [base/2, base] so that many clients cut off together do not return together.
 */
public final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private long baseMillis;

    public Backoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
        this.baseMillis = minMillis;
    }

    public synchronized Duration next() {
        long base = baseMillis;
        baseMillis = Math.min(maxMillis, baseMillis * 2);
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        return Duration.ofMillis(Math.max(jittered, 1));
    }

    public synchronized void reset() {
        baseMillis = minMillis;
    }
}
