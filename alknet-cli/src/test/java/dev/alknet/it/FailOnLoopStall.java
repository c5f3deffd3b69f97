package dev.alknet.it;

import dev.alknet.transport.EventLoops;
import dev.alknet.transport.LoopWatchdog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class during which an {@code alknet-io} event loop of this JVM ran no task for the watchdog's bound
 * (10 s, {@link LoopWatchdog}): a loop that waits (a future's get, a blocking lookup or bind, a
 * lock another loop holds) stalls every session on it, and a loop waiting for another loop that waits back is a
 * deadlock. The report holds the loop's frames at that moment. Only loops of the test JVM: a child process logs its
 * stalls instead.
 *
 * <p>Use with {@code @ExtendWith(FailOnLoopStall.class)} on classes that run the server or client in the test JVM.
 */
public final class FailOnLoopStall implements BeforeAllCallback, AfterAllCallback {

    private final List<String> stalls = new ArrayList<>();
    private final LoopWatchdog.Listener listener = new LoopWatchdog.Listener() {
        @Override
        public void stalled(String thread, Duration since, List<StackTraceElement> frames) {
            synchronized (stalls) {
                stalls.add(LoopWatchdog.describe(thread, since, frames));
            }
        }

        @Override
        public void recovered(String thread, Duration stalledFor) {
        }
    };

    @Override
    public void beforeAll(ExtensionContext context) {
        EventLoops.addStallListener(listener);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        EventLoops.removeStallListener(listener);
        synchronized (stalls) {
            if (!stalls.isEmpty()) {
                throw new AssertionError("an event loop stalled:\n" + String.join("\n", stalls));
            }
        }
    }
}
