package dev.alknet.core.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StreamCorruptedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The window's accounting and its growth decisions, on a simulated link with a simulated clock (no real time):
 * a peer that sends whatever its credit and the link allow, one-way delay each direction, a reader that takes
 * everything at once unless told otherwise.
 */
class ReceiveWindowTest {

    private static final long MIB = 1024 * 1024;
    private static final long PACKET = 64 * 1024;
    private static final long INITIAL = 8 * MIB;

    @Test
    void creditGoesBackInBatchesAndThePeerCannotOverrun() throws Exception {
        List<Long> adjusts = new ArrayList<>();
        ReceiveWindow w = new ReceiveWindow("t", INITIAL, PACKET, new WindowBudget(0), adjusts::add, () -> 0);
        for (long sent = 0; sent < INITIAL; sent += PACKET) {
            w.consume(PACKET);
        }
        assertThrows(StreamCorruptedException.class, () -> w.consume(1));
        assertThrows(StreamCorruptedException.class, () -> w.consume(PACKET + 1));
        w.release(PACKET);
        assertTrue(adjusts.isEmpty(), "less than a batch is held back");
        w.release(INITIAL - PACKET);
        assertEquals(List.of(INITIAL), adjusts);
        assertEquals(INITIAL, w.granted());
    }

    @Test
    void windowGrowsWhenItIsTheLimitOfALongFatLink() throws Exception {
        // 100 ms RTT, 1 Gbit/s: the bandwidth-delay product is ~12 MiB, above the initial 8 MiB
        Link link = new Link(50_000_000L, 1000e6 / 8 / 1e9, new WindowBudget(256 * MIB));
        link.run(10_000_000_000L);
        assertTrue(link.window.limit() >= 16 * MIB, "grown to " + link.window.limit());
        assertTrue(link.window.limit() <= ReceiveWindow.MAX_WINDOW);
        assertTrue(link.delivered > 900 * MIB, "moved " + link.delivered / MIB + " MiB in 10 s");
    }

    @Test
    void windowStopsGrowingWhenTheLinkIsTheLimit() throws Exception {
        // 100 ms RTT, 100 Mbit/s: ~1.2 MiB in flight suffice, the initial window is already more than enough
        Link link = new Link(50_000_000L, 100e6 / 8 / 1e9, new WindowBudget(256 * MIB));
        link.run(20_000_000_000L);
        assertTrue(link.window.limit() <= 2 * INITIAL, "grew to " + link.window.limit());
    }

    @Test
    void aSessionBudgetBoundsTheGrowthOfAllWindowsAndClosingReturnsIt() throws Exception {
        WindowBudget budget = new WindowBudget(24 * MIB);
        Link a = new Link(50_000_000L, 1000e6 / 8 / 1e9, budget);
        Link b = new Link(50_000_000L, 1000e6 / 8 / 1e9, budget);
        for (int i = 0; i < 100; i++) {
            a.run(100_000_000L);
            b.run(100_000_000L);
        }
        assertTrue(a.window.limit() + b.window.limit() <= 2 * INITIAL + 24 * MIB);
        assertEquals(a.window.limit() + b.window.limit() - 2 * INITIAL, budget.used());
        a.window.close();
        b.window.close();
        assertEquals(0, budget.used());
        assertEquals(INITIAL, a.window.limit());
    }

    @Test
    void aReaderThatFallsBehindGivesTheGrowthBack() throws Exception {
        WindowBudget budget = new WindowBudget(256 * MIB);
        Link link = new Link(50_000_000L, 1000e6 / 8 / 1e9, budget);
        link.run(5_000_000_000L);
        assertTrue(link.window.limit() > INITIAL);
        long grown = link.window.limit();
        link.readerStalled = true;
        link.run(2_000_000_000L);
        assertEquals(INITIAL, link.window.limit());
        assertEquals(0, budget.used());
        assertTrue(link.unread <= grown, "the peer parked at most the window it had: " + link.unread);
        link.readerStalled = false;
        link.window.release(link.unread);
        link.unread = 0;
        link.run(100_000_000L);
        assertTrue(link.window.granted() <= INITIAL, "credit beyond the initial window again only after new growth");
    }

    /** A peer sending over a delayed, paced link into a ReceiveWindow; time advances in 100 µs steps. */
    private static final class Link {
        private static final long STEP = 100_000L;
        final ReceiveWindow window;
        private final long oneWay;
        private final double bytesPerNs;
        private final ArrayDeque<long[]> toReceiver = new ArrayDeque<>(); // {arrival time, bytes}
        private final ArrayDeque<long[]> toPeer = new ArrayDeque<>();     // {arrival time, credit}
        private long now;
        private long peerCredit = INITIAL;
        private double linkBudget;
        long delivered;
        long unread;
        boolean readerStalled;

        Link(long oneWayNs, double bytesPerNs, WindowBudget budget) {
            this.oneWay = oneWayNs;
            this.bytesPerNs = bytesPerNs;
            this.window = new ReceiveWindow("sim", INITIAL, PACKET, budget,
                    n -> toPeer.add(new long[] {now + oneWay, n}), () -> now);
        }

        void run(long duration) throws Exception {
            long end = now + duration;
            for (; now < end; now += STEP) {
                while (!toPeer.isEmpty() && toPeer.peek()[0] <= now) {
                    peerCredit += toPeer.poll()[1];
                }
                linkBudget = Math.min(linkBudget + STEP * bytesPerNs, 4 * PACKET);
                while (peerCredit > 0 && linkBudget >= 1) {
                    long n = Math.min(Math.min(PACKET, peerCredit), (long) linkBudget);
                    peerCredit -= n;
                    linkBudget -= n;
                    toReceiver.add(new long[] {now + oneWay, n});
                }
                while (!toReceiver.isEmpty() && toReceiver.peek()[0] <= now) {
                    long n = toReceiver.poll()[1];
                    window.consume(n);
                    delivered += n;
                    if (readerStalled) {
                        unread += n;
                    } else {
                        window.release(n);
                    }
                }
            }
        }
    }
}
