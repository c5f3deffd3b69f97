package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The watchdog itself: a loop that waits is reported with where it waits; loops that work are not. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoopWatchdogTest {

    @Test
    void aLoopThatWaitsIsReportedWithItsStack() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
                new DefaultThreadFactory("alknet-io-watchdog-test", true), NioIoHandler.newFactory());
        CountDownLatch release = new CountDownLatch(1);
        LoopWatchdog.Watch watch = new LoopWatchdog.Watch(() -> loops(group), Duration.ofSeconds(1)).start();
        try {
            group.next().execute(() -> waitFor(release));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (watch.seen().isEmpty() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            release.countDown();
            List<String> stalls = watch.stop();
            assertEquals(1, stalls.size(), stalls.toString());
            assertTrue(stalls.get(0).contains("alknet-io-watchdog-test") && stalls.get(0).contains("waitFor"),
                    stalls.get(0));
        } finally {
            release.countDown();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void busyLoopsThatRunTheirTasksAreNotReported() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
                new DefaultThreadFactory("alknet-io-watchdog-test", true), NioIoHandler.newFactory());
        LoopWatchdog.Watch watch = new LoopWatchdog.Watch(() -> loops(group), Duration.ofSeconds(1)).start();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < end) {
                group.next().submit(() -> {
                    Thread.sleep(5);
                    return null;
                }).get(10, TimeUnit.SECONDS);
            }
            assertEquals(List.of(), watch.stop());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static List<EventExecutor> loops(MultiThreadIoEventLoopGroup group) {
        List<EventExecutor> l = new ArrayList<>();
        group.forEach(l::add);
        return l;
    }

    private static void waitFor(CountDownLatch release) {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
