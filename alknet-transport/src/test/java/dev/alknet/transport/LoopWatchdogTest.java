package dev.alknet.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopWatchdogTest {

    @Test
    void aLoopThatStopsRunningTasksIsReportedWithWhereItIsThenWhenItRunsAgain() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
                new DefaultThreadFactory("watched", true), NioIoHandler.newFactory());
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CountDownLatch release = new CountDownLatch(1);
        try (LoopWatchdog dog = LoopWatchdog.watch(group, Duration.ofMillis(50), Duration.ofMillis(300),
                new LoopWatchdog.Listener() {
                    @Override
                    public void stalled(String thread, Duration since, List<StackTraceElement> frames) {
                        events.add("stalled " + LoopWatchdog.describe(thread, since, frames));
                    }

                    @Override
                    public void recovered(String thread, Duration stalledFor) {
                        events.add("recovered " + thread);
                    }
                })) {
            group.next().execute(() -> holdTheLoop(release));
            String stalled = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(stalled, "no report of the held loop");
            assertTrue(stalled.startsWith("stalled event loop watched-"), stalled);
            assertTrue(stalled.contains("holdTheLoop"), "where the loop is: " + stalled);
            release.countDown();
            String recovered = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(recovered, "no report of the loop running again");
            assertTrue(recovered.startsWith("recovered watched-"), recovered);
            assertEquals(stalled.split(" ")[3], recovered.split(" ")[1], "the same loop");
            assertTrue(events.isEmpty(), "the loop that kept running was reported: " + events);
        } finally {
            release.countDown();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private static void holdTheLoop(CountDownLatch release) {
        try {
            release.await(30, TimeUnit.SECONDS); // the blocking call the watchdog is for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
