package dev.alknet.core.ssh;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.sshd.common.helpers.AbstractFactoryManager;
import org.apache.sshd.common.util.threads.SshdThreadFactory;

/**
 * The timer thread of an SSH client or server: MINA's own (one thread), but cancelled tasks leave its queue at once.
 *
 * <p>Why: MINA arms a timeout for every packet write that does not complete at once, the CLOSE of every channel
 * among them, and cancels it when the write is done. Left in the queue, each cancelled task still wakes the timer
 * thread when its time comes: thousands of wake-ups a second at high connect rates (docs/performance.md), and a
 * queue as long as the rate times the timeout.
 */
public final class SessionTimer {

    private SessionTimer() {
    }

    /** Installs the timer on {@code manager} unless it has one; call before MINA's {@code checkConfig}. */
    public static void installOn(AbstractFactoryManager manager) {
        if (manager.getScheduledExecutorService() == null) {
            manager.setScheduledExecutorService(create(manager + "-timer"), true);
        }
    }

    static ScheduledExecutorService create(String name) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, new SshdThreadFactory(name));
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
