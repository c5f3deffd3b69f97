package dev.alknet.server;

import dev.alknet.transport.Admission;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's admission at accept, before TLS, QUIC or SSH handshakes are paid for: {@code --max-conns-per-ip}
 * per client address (connections and parked sessions; when full, the address's oldest parked session makes room
 * before a live connection is refused) and {@code --max-pending} peers at once, over all addresses, that have not
 * logged in yet (nor been handed to the stealth web front).
 */
final class PeerAdmission implements Admission {

    private static final Logger LOG = LoggerFactory.getLogger(PeerAdmission.class);

    private final ConnectionsPerAddress perAddress;
    private final DetachedSessions detached;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();

    /** {@code maxPending} 0 is unlimited. */
    PeerAdmission(ConnectionsPerAddress perAddress, DetachedSessions detached, int maxPending) {
        this.perAddress = perAddress;
        this.detached = detached;
        this.maxPending = maxPending;
    }

    @Override
    public Slot admit(InetSocketAddress peer) {
        InetAddress from = peer == null ? null : peer.getAddress();
        if (!takePending()) {
            LOG.warn("pending handshake limit: refused {} ({} not logged in yet, --max-pending)", host(from),
                    maxPending);
            return null;
        }
        if (!perAddress.tryAcquire(from) && !(detached.makeRoomFor(from) && perAddress.tryAcquire(from))) {
            pending.decrementAndGet();
            LOG.warn("connection limit from {}: refused (--max-conns-per-ip)", host(from));
            return null;
        }
        return new PeerSlot(from);
    }

    int pending() {
        return pending.get();
    }

    private boolean takePending() {
        if (maxPending == 0) {
            pending.incrementAndGet();
            return true;
        }
        int n;
        do {
            n = pending.get();
            if (n >= maxPending) {
                return false;
            }
        } while (!pending.compareAndSet(n, n + 1));
        return true;
    }

    private static String host(InetAddress a) {
        return a == null ? "?" : a.getHostAddress();
    }

    private final class PeerSlot implements Slot {
        private final InetAddress from;
        private final AtomicBoolean settled = new AtomicBoolean();
        private final AtomicBoolean released = new AtomicBoolean();

        PeerSlot(InetAddress from) {
            this.from = from;
        }

        @Override
        public void settled() {
            if (settled.compareAndSet(false, true)) {
                pending.decrementAndGet();
            }
        }

        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                settled();
                perAddress.release(from);
            }
        }
    }
}
