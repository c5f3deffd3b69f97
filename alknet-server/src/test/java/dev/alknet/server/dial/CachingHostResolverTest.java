package dev.alknet.server.dial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CachingHostResolverTest {

    private static final Duration LONG = Duration.ofMinutes(5);

    /** A resolver whose lookups the test completes by hand. */
    private static final class ManualResolver implements HostResolver {
        final List<String> asked = new ArrayList<>();
        final List<CompletableFuture<List<InetAddress>>> pending = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<List<InetAddress>> resolve(String host) {
            asked.add(host);
            CompletableFuture<List<InetAddress>> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        CompletableFuture<List<InetAddress>> last() {
            return pending.get(pending.size() - 1);
        }
    }

    private static List<InetAddress> loopback() {
        return List.of(InetAddress.getLoopbackAddress());
    }

    @Test
    void anAnswerIsServedAgainAtOnceWithoutAskingAgain() throws Exception {
        ManualResolver manual = new ManualResolver();
        CachingHostResolver cache = new CachingHostResolver(manual, LONG, 16);
        CompletableFuture<List<InetAddress>> first = cache.resolve("a.test");
        manual.last().complete(loopback());
        assertEquals(loopback(), first.get());

        CompletableFuture<List<InetAddress>> second = cache.resolve("a.test");
        assertTrue(second.isDone(), "answered on the caller's thread");
        assertEquals(loopback(), second.get());
        assertEquals(List.of("a.test"), manual.asked);
    }

    @Test
    void concurrentLookupsShareOneAndOneCallersTimeoutLeavesTheOthersAlone() throws Exception {
        ManualResolver manual = new ManualResolver();
        CachingHostResolver cache = new CachingHostResolver(manual, LONG, 16);
        CompletableFuture<List<InetAddress>> impatient = cache.resolve("b.test");
        CompletableFuture<List<InetAddress>> patient = cache.resolve("b.test");
        assertEquals(1, manual.asked.size());

        impatient.orTimeout(1, TimeUnit.MILLISECONDS);
        assertThrows(ExecutionException.class, impatient::get);
        assertFalse(patient.isDone());
        impatient.cancel(false);

        manual.last().complete(loopback());
        assertEquals(loopback(), patient.get());
        assertEquals(1, manual.asked.size());
    }

    @Test
    void aFailureIsNotKept() {
        ManualResolver manual = new ManualResolver();
        CachingHostResolver cache = new CachingHostResolver(manual, LONG, 16);
        CompletableFuture<List<InetAddress>> first = cache.resolve("c.test");
        manual.last().completeExceptionally(new UnknownHostException("c.test"));
        assertTrue(first.isCompletedExceptionally());

        cache.resolve("c.test");
        assertEquals(2, manual.asked.size(), "asked again after a failure");
    }

    @Test
    void aResolverThatThrowsFailsTheLookupAndIsAskedAgainNextTime() {
        int[] calls = {0};
        CachingHostResolver cache = new CachingHostResolver(host -> {
            calls[0]++;
            throw new IllegalStateException("pool gone");
        }, LONG, 16);
        assertTrue(cache.resolve("d.test").isCompletedExceptionally());
        assertTrue(cache.resolve("d.test").isCompletedExceptionally());
        assertEquals(2, calls[0]);
    }

    @Test
    void withoutALifetimeOnlyPendingLookupsAreShared() {
        ManualResolver manual = new ManualResolver();
        CachingHostResolver cache = new CachingHostResolver(manual, Duration.ZERO, 16);
        cache.resolve("e.test");
        cache.resolve("e.test");
        assertEquals(1, manual.asked.size());
        manual.last().complete(loopback());
        cache.resolve("e.test");
        assertEquals(2, manual.asked.size());
    }

    @Test
    void theLeastRecentlyUsedNameMakesRoomWhenFull() {
        ManualResolver manual = new ManualResolver();
        CachingHostResolver cache = new CachingHostResolver(manual, LONG, 2);
        for (String name : List.of("one.test", "two.test")) {
            cache.resolve(name);
            manual.last().complete(loopback());
        }
        cache.resolve("one.test");            // used: two.test is now the eldest
        cache.resolve("three.test");
        manual.last().complete(loopback());
        assertEquals(3, manual.asked.size());
        cache.resolve("one.test");
        assertEquals(3, manual.asked.size());
        cache.resolve("two.test");
        assertEquals(List.of("one.test", "two.test", "three.test", "two.test"), manual.asked);
    }
}
