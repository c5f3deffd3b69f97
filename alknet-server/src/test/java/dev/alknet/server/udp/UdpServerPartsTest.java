package dev.alknet.server.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UdpServerPartsTest {

    @Test
    void onlyRecentDestinationsMayAnswerAndTheOldestIsForgottenFirst() {
        RecentPeers peers = new RecentPeers(2);
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 1);
        InetSocketAddress b = new InetSocketAddress("127.0.0.1", 2);
        InetSocketAddress c = new InetSocketAddress("127.0.0.1", 3);
        peers.sentTo(a);
        peers.sentTo(b);
        assertTrue(peers.mayAnswer(a)); // a is now the most recently used
        peers.sentTo(c);
        assertTrue(peers.mayAnswer(a));
        assertFalse(peers.mayAnswer(b));
        assertTrue(peers.mayAnswer(c));
        assertFalse(peers.mayAnswer(new InetSocketAddress("127.0.0.1", 4)));
    }

    @Test
    void lookupsAreSharedAndCachedButFailuresAreNot() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        CompletableFuture<List<InetAddress>> pending = new CompletableFuture<>();
        NameCache names = new NameCache(host -> {
            lookups.incrementAndGet();
            return host.equals("bad.test") ? CompletableFuture.failedFuture(new UnknownHostException(host)) : pending;
        });
        CompletableFuture<InetAddress> first = names.resolve("good.test");
        assertSame(first, names.resolve("good.test"), "a pending lookup is shared");
        pending.complete(List.of(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2")));
        assertEquals(InetAddress.getByName("192.0.2.1"), names.resolve("good.test").get());
        assertEquals(1, lookups.get());
        assertTrue(names.resolve("bad.test").isCompletedExceptionally());
        assertTrue(names.resolve("bad.test").isCompletedExceptionally());
        assertEquals(3, lookups.get(), "a failure is asked again");
    }
}
