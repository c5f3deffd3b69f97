package dev.alknet.server;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts, per client address, open connections (from accept) and sessions parked for a resume, and refuses
 * connections beyond a limit ({@code --max-conns-per-ip}).
 */
final class ConnectionsPerAddress {

    private final int limit;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    /** {@code limit} 0 means unlimited. */
    ConnectionsPerAddress(int limit) {
        this.limit = limit;
    }

    /** Takes a slot for {@code address}; false if it has {@code limit} already. Pair with {@link #release}. */
    boolean tryAcquire(InetAddress address) {
        if (limit == 0 || address == null) {
            return true;
        }
        boolean[] ok = {false};
        open.compute(address, (a, n) -> {
            int now = n == null ? 0 : n;
            ok[0] = now < limit;
            return ok[0] ? now + 1 : n;
        });
        return ok[0];
    }

    /** Takes a slot even beyond the limit: a session that was already counted, parked now (DetachedSessions). */
    void acquire(InetAddress address) {
        if (limit == 0 || address == null) {
            return;
        }
        open.merge(address, 1, Integer::sum);
    }

    void release(InetAddress address) {
        if (limit == 0 || address == null) {
            return;
        }
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    int count(InetAddress address) {
        return open.getOrDefault(address, 0);
    }
}
