package dev.alknet.client.socks.udp;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What the UDP associations of one SOCKS listener did; for tests and diagnostics. Thread-safe. */
public final class UdpCounters {

    final AtomicInteger open = new AtomicInteger();
    final AtomicLong toServer = new AtomicLong();
    final AtomicLong toClient = new AtomicLong();
    final AtomicLong fragments = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong strangers = new AtomicLong();
    final AtomicLong oversized = new AtomicLong();
    final AtomicLong congested = new AtomicLong();

    /** Associations not ended yet. */
    public int open() {
        return open.get();
    }

    /** Datagrams from SOCKS clients sent into the tunnel. */
    public long toServer() {
        return toServer.get();
    }

    /** Datagrams from the tunnel delivered to SOCKS clients. */
    public long toClient() {
        return toClient.get();
    }

    /** Dropped: FRAG was not 0 (fragmentation is not supported). */
    public long fragments() {
        return fragments.get();
    }

    /** Dropped: no valid SOCKS UDP header. */
    public long malformed() {
        return malformed.get();
    }

    /** Dropped: not from the address of the association's client. */
    public long strangers() {
        return strangers.get();
    }

    /** Dropped: a reply too large for a datagram to the client once the SOCKS header is added. */
    public long oversized() {
        return oversized.get();
    }

    /** Dropped: the SSH channel or the UDP socket could not take more. */
    public long congested() {
        return congested.get();
    }

    @Override
    public String toString() {
        return "UdpCounters[open=" + open() + ", toServer=" + toServer() + ", toClient=" + toClient() + ", fragments="
                + fragments() + ", malformed=" + malformed() + ", strangers=" + strangers() + ", oversized="
                + oversized() + ", congested=" + congested() + "]";
    }
}
