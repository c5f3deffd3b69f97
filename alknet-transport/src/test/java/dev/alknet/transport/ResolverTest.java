package dev.alknet.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResolverTest {

    /**
     * A slow DNS holds every lookup thread: the next names asked from an event loop (a dynamic -R CONNECT, a resume
     * dial) wait in the queue or fail at once; none is looked up on the loop, which keeps running its other work.
     * (The pool used to run such a lookup on the caller's thread: the loop then stalled for as long as the DNS.)
     */
    @Test
    void aSlowDnsNeverRunsALookupOnTheCallersLoop() throws Exception {
        CountDownLatch dnsAnswers = new CountDownLatch(1);
        Set<String> lookedUpOn = ConcurrentHashMap.newKeySet();
        Resolver.Lookup slowDns = host -> {
            lookedUpOn.add(Thread.currentThread().getName());
            try {
                dnsAnswers.await();
            } catch (InterruptedException e) {
                throw new UnknownHostException(host);
            }
            return InetAddress.getLoopbackAddress();
        };
        ThreadPoolExecutor pool = Resolver.pool("alknet-dns-test", 2, 2);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("alknet-io-resolver-test", true), NioIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            String loopThread = loop.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            List<CompletableFuture<InetSocketAddress>> asked = loop.submit(() -> {
                List<CompletableFuture<InetSocketAddress>> l = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    l.add(Resolver.resolve("n" + i + ".example", 80, pool, slowDns));
                }
                return l;
            }).get(10, TimeUnit.SECONDS);
            assertTrue(loop.submit(() -> true).get(10, TimeUnit.SECONDS), "the loop runs while the DNS is slow");
            assertFalse(lookedUpOn.contains(loopThread), "looked up on " + lookedUpOn);
            for (int i = 4; i < 6; i++) {
                ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        asked.get(i)::get);
                assertInstanceOf(UnknownHostException.class, refused.getCause());
                assertTrue(refused.getCause().getMessage().contains("too many name lookups"),
                        refused.getCause().getMessage());
            }
            dnsAnswers.countDown();
            for (int i = 0; i < 4; i++) {
                assertEquals(80, asked.get(i).get(10, TimeUnit.SECONDS).getPort(), "lookup " + i);
            }
        } finally {
            dnsAnswers.countDown();
            pool.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** A peer's flood of slow names fills its pool and queue: further peer names fail, the tunnel's own still resolve. */
    @Test
    void namesAPeerAsksForNeverHoldUpTheTunnelsOwn() throws Exception {
        CountDownLatch dnsAnswers = new CountDownLatch(1);
        List<Runnable> held = new ArrayList<>();
        try {
            ThreadPoolExecutor peers = Resolver.PEERS;
            int bound = peers.getMaximumPoolSize() + peers.getQueue().remainingCapacity() + 100;
            for (int i = 0; i < bound; i++) {
                Runnable slowLookup = () -> {
                    try {
                        dnsAnswers.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                };
                try {
                    peers.execute(slowLookup);
                } catch (java.util.concurrent.RejectedExecutionException full) {
                    break;
                }
                held.add(slowLookup);
            }
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> Resolver.resolveForPeer("localhost", 80).get(10, TimeUnit.SECONDS));
            assertTrue(refused.getCause().getMessage().contains("too many name lookups"), refused.toString());
            assertTrue(Resolver.resolve("localhost", 80).get(10, TimeUnit.SECONDS).getAddress().isLoopbackAddress());
        } finally {
            dnsAnswers.countDown();
            held.forEach(Resolver.PEERS::remove);
        }
    }

    @Test
    void literalsNeedNoLookup() throws Exception {
        assertEquals(InetAddress.getByName("::1"), Resolver.resolve("::1", 9).get(5, TimeUnit.SECONDS).getAddress());
        assertEquals("127.0.0.1",
                Resolver.resolve("127.0.0.1", 9).get(5, TimeUnit.SECONDS).getAddress().getHostAddress());
    }
}
