package dev.alknet.server.udp;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The destinations an association sent to lately; only they may answer (an address- and port-restricted
 * "NAT"), so a stranger who finds the server's UDP port cannot push datagrams down the tunnel. Bounded: the
 * least recently used destination is forgotten first. Thread-safe.
 */
final class RecentPeers {

    private final Map<InetSocketAddress, Boolean> peers;

    RecentPeers(int capacity) {
        peers = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void sentTo(InetSocketAddress peer) {
        peers.put(peer, Boolean.TRUE);
    }

    synchronized boolean mayAnswer(InetSocketAddress peer) {
        return peers.get(peer) != null;
    }
}
