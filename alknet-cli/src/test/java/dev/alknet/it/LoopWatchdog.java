package dev.alknet.it;

import dev.alknet.transport.EventLoops;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class during which an {@code alknet-io} event loop of this JVM stopped running its tasks for
 * {@value #LIMIT_SECONDS} s: a loop that waits (a future's get, a blocking lookup or bind, a lock another loop holds)
 * stalls every session on it, and a loop waiting for another loop that waits back is a deadlock. Each loop gets a
 * no-op task every half second; one still pending after the limit is a stall, reported with the loop's stack at that
 * moment. No loop does that much work between two of its task runs, however loaded the machine.
 *
 * <p>Use with {@code @ExtendWith(LoopWatchdog.class)} on classes that run the server or client in the test JVM.
 */
public final class LoopWatchdog implements BeforeAllCallback, AfterAllCallback {

    static final int LIMIT_SECONDS = 10;

    private Watch watch;

    @Override
    public void beforeAll(ExtensionContext context) {
        watch = new Watch(LoopWatchdog::alknetLoops, Duration.ofSeconds(LIMIT_SECONDS)).start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> stalls = watch.stop();
        if (!stalls.isEmpty()) {
            throw new AssertionError("an event loop stalled:\n" + String.join("\n", stalls));
        }
    }

    /** The loops of EventLoops' groups that exist (the watchdog must not create them). */
    static List<EventExecutor> alknetLoops() {
        List<EventExecutor> loops = new ArrayList<>();
        for (String name : List.of("group", "spare")) {
            try {
                Field f = EventLoops.class.getDeclaredField(name);
                f.setAccessible(true);
                if (f.get(null) instanceof EventExecutorGroup g) {
                    g.forEach(loops::add);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("EventLoops." + name + " is gone: the watchdog would watch nothing", e);
            }
        }
        return loops;
    }

    /** Pings the loops {@code loops} lists; collects those that left a ping pending longer than {@code limit}. */
    static final class Watch {
        private final Supplier<List<EventExecutor>> loops;
        private final long limitNanos;
        private final Map<EventExecutor, Long> pendingSince = new ConcurrentHashMap<>();
        private final Map<EventExecutor, Thread> threads = new ConcurrentHashMap<>();
        private final List<String> stalls = new ArrayList<>();
        private final Thread ticker;
        private volatile boolean stopped;

        Watch(Supplier<List<EventExecutor>> loops, Duration limit) {
            this.loops = loops;
            this.limitNanos = limit.toNanos();
            this.ticker = new Thread(this::run, "alknet-loop-watchdog");
            ticker.setDaemon(true);
        }

        Watch start() {
            ticker.start();
            return this;
        }

        /** Stops watching; the stalls seen (a ping still pending beyond the limit counts too). */
        List<String> stop() {
            stopped = true;
            ticker.interrupt();
            try {
                ticker.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            check(System.nanoTime());
            synchronized (stalls) {
                return List.copyOf(stalls);
            }
        }

        /** The stalls seen so far. */
        List<String> seen() {
            synchronized (stalls) {
                return List.copyOf(stalls);
            }
        }

        private void run() {
            while (!stopped) {
                long now = System.nanoTime();
                for (EventExecutor loop : loops.get()) {
                    if (loop.isShuttingDown() || pendingSince.putIfAbsent(loop, now) != null) {
                        continue;
                    }
                    try {
                        loop.execute(() -> {
                            threads.putIfAbsent(loop, Thread.currentThread());
                            pendingSince.remove(loop);
                        });
                    } catch (RejectedExecutionException e) {
                        pendingSince.remove(loop);
                    }
                }
                check(now);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void check(long now) {
            for (Map.Entry<EventExecutor, Long> e : pendingSince.entrySet()) {
                long waited = now - e.getValue();
                if (waited < limitNanos) {
                    continue;
                }
                Thread t = threads.get(e.getKey());
                StringBuilder b = new StringBuilder(t != null ? t.getName() : e.getKey().toString())
                        .append(" ran no task for ").append(waited / 1_000_000).append(" ms; it was at:");
                if (t != null) {
                    for (StackTraceElement s : t.getStackTrace()) {
                        b.append("\n\tat ").append(s);
                    }
                }
                synchronized (stalls) {
                    stalls.add(b.toString());
                }
                pendingSince.put(e.getKey(), Long.MAX_VALUE / 2); // reported once; the ping still clears it later
            }
        }
    }
}
