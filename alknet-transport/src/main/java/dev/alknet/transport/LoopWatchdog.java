package dev.alknet.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices an event loop that stopped running tasks (a blocking call or a deadlock on it): every session on that loop
 * is silent meanwhile, and the peers only see a dead carrier. Each loop stamps a heartbeat every {@code tick}; a
 * daemon thread reports a loop whose stamp is older than {@code stall}, once, with where its thread is, and again
 * when it runs tasks again. Costs one timer task per loop and tick.
 */
public final class LoopWatchdog implements AutoCloseable {

    /** What the watchdog tells; {@link #stalled} gets the loop thread's frames, innermost first. */
    public interface Listener {
        void stalled(String thread, Duration since, List<StackTraceElement> frames);

        void recovered(String thread, Duration stalledFor);
    }

    private static final int FRAMES = 12;
    private static final Logger log = LoggerFactory.getLogger(LoopWatchdog.class);

    /** Reports to the log: a warning with the frames on one line, an info line when the loop runs again. */
    public static final Listener LOG = new Listener() {
        @Override
        public void stalled(String thread, Duration since, List<StackTraceElement> frames) {
            log.warn(describe(thread, since, frames));
        }

        @Override
        public void recovered(String thread, Duration stalledFor) {
            log.info("event loop {} runs tasks again after {} ms", thread, stalledFor.toMillis());
        }
    };

    private final List<Beat> beats = new ArrayList<>();
    private final Duration stall;
    private final Listener listener;
    private final Thread checker;
    private volatile boolean closed;

    private LoopWatchdog(EventExecutorGroup group, Duration tick, Duration stall, Listener listener) {
        this.stall = stall;
        this.listener = listener;
        for (EventExecutor loop : group) {
            Beat beat = new Beat(loop);
            beat.task = loop.scheduleAtFixedRate(beat, 0, tick.toNanos(), TimeUnit.NANOSECONDS);
            beats.add(beat);
        }
        checker = new Thread(() -> check(tick), "alknet-loop-watchdog");
        checker.setDaemon(true);
        checker.start();
    }

    /** Watches every loop of {@code group}. */
    public static LoopWatchdog watch(EventExecutorGroup group, Duration tick, Duration stall, Listener listener) {
        return new LoopWatchdog(group, tick, stall, listener);
    }

    /** The warning's text: the frames on one line, innermost first. */
    public static String describe(String thread, Duration since, List<StackTraceElement> frames) {
        return "event loop " + thread + " has run no task for " + since.toMillis() + " ms; sessions on it are stalled."
                + " It is in: " + frames.stream().map(StackTraceElement::toString).collect(Collectors.joining(" < "));
    }

    private void check(Duration tick) {
        while (!closed) {
            try {
                Thread.sleep(tick.toMillis()); // the checker's own pace; it waits for nothing else
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Beat beat : beats) {
                Thread thread = beat.thread;
                if (thread == null || beat.loop.isShuttingDown()) {
                    continue; // not started yet, or no longer expected to run tasks
                }
                long quiet = now - beat.last;
                if (!beat.reported && quiet > stall.toNanos()) {
                    beat.reported = true;
                    beat.stalledAt = beat.last;
                    List<StackTraceElement> frames = Arrays.asList(thread.getStackTrace());
                    listener.stalled(thread.getName(), Duration.ofNanos(quiet),
                            frames.subList(0, Math.min(FRAMES, frames.size())));
                } else if (beat.reported && quiet <= stall.toNanos()) {
                    beat.reported = false;
                    listener.recovered(thread.getName(), Duration.ofNanos(beat.last - beat.stalledAt));
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        checker.interrupt();
        beats.forEach(b -> {
            if (b.task != null) {
                b.task.cancel(false);
            }
        });
    }

    /** One loop's heartbeat; written by the loop, read by the checker. */
    private static final class Beat implements Runnable {
        final EventExecutor loop;
        volatile long last = System.nanoTime();
        volatile Thread thread;
        ScheduledFuture<?> task;
        // the checker's own state
        boolean reported;
        long stalledAt;

        Beat(EventExecutor loop) {
            this.loop = loop;
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            last = System.nanoTime();
        }
    }
}
