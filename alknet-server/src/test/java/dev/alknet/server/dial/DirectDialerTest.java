package dev.alknet.server.dial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.transport.EventLoops;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DirectDialerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void triesEachAddressUntilOneConnectsAndHandsOverAConfiguredChannel() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            // 127.0.0.2 is loopback too but nothing listens there: refused, so the dialer must move on.
            List<InetAddress> both = List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1"));
            HostResolver resolver = host -> CompletableFuture.completedFuture(both);
            Channel ch = new DirectDialer(resolver, TIMEOUT).dial("two.test", server.getLocalPort())
                    .get(5, TimeUnit.SECONDS);
            try {
                assertTrue(ch.isActive());
                assertEquals(InetAddress.getByName("127.0.0.1"), ((InetSocketAddress) ch.remoteAddress()).getAddress());
                assertFalse(ch.config().isAutoRead());
                assertTrue(ch.config().getOption(ChannelOption.ALLOW_HALF_CLOSURE));
                assertTrue(ch.config().getOption(ChannelOption.TCP_NODELAY));
                assertTrue(EventLoops.group().next().parent() == ch.eventLoop().parent());
            } finally {
                ch.close().sync();
            }
        }
    }

    @Test
    void reportsTheLastFailureWhenEveryAddressRefuses() {
        HostResolver resolver = host -> CompletableFuture.completedFuture(List.of(InetAddress.getLoopbackAddress()));
        DialException e = failure(new DirectDialer(resolver, TIMEOUT).dial("x.test", closedPort()));
        assertEquals(DialFailure.CONNECTION_REFUSED, e.failure());
        assertEquals("connection refused", e.reason());
    }

    @Test
    void unresolvableNameIsUnknownHost() {
        DialException e = failure(new DirectDialer().dial("nothing.invalid", 80));
        assertEquals(DialFailure.UNKNOWN_HOST, e.failure());
        assertEquals("unknown host nothing.invalid", e.reason());
    }

    @Test
    void emptyHostIsNotLoopback() {
        assertEquals(DialFailure.UNKNOWN_HOST, failure(new DirectDialer().dial("", 80)).failure());
    }

    @Test
    void literalsSkipTheResolver() throws Exception {
        HostResolver forbidden = host -> CompletableFuture.failedFuture(new AssertionError("resolver used"));
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getByName("::1"))) {
            Channel ch = new DirectDialer(forbidden, TIMEOUT).dial("[::1]", server.getLocalPort())
                    .get(5, TimeUnit.SECONDS);
            ch.close().sync();
        }
    }

    @Test
    void hungLookupTimesOutWithinTheConnectTimeout() {
        HostResolver hung = host -> new CompletableFuture<>();
        long start = System.nanoTime();
        DialException e = failure(new DirectDialer(hung, Duration.ofMillis(300)).dial("slow.test", 80));
        assertEquals(DialFailure.TIMED_OUT, e.failure());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    void unansweredSynTimesOut() throws Exception {
        // A listener whose accept queue is full drops new SYNs (Linux), which looks like a black hole.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(full.getLocalSocketAddress(), 200);
                    } catch (java.io.IOException ignored) {
                        // queue already full
                    }
                    fillers.add(s);
                }
                DialException e = failure(new DirectDialer(ExecutorHostResolver.shared(), Duration.ofMillis(500))
                        .dial("127.0.0.1", full.getLocalPort()));
                assertEquals(DialFailure.TIMED_OUT, e.failure());
                assertEquals("connection timed out", e.reason());
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    private static DialException failure(CompletableFuture<Channel> dial) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> dial.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(DialException.class, e.getCause());
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
