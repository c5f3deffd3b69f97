package dev.alknet.tun;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The table of {@link UdpAssociation}s, one per application UDP socket: created on its first datagram, ended after
 * {@link #IDLE} without traffic either way. A failed association is remembered for {@link #RETRY_AFTER} so a chatty
 * application does not cause a SOCKS handshake per datagram (it gets ICMP unreachable meanwhile).
 */
final class UdpAssociations {

    static final long IDLE = TimeUnit.SECONDS.toNanos(60);
    static final long RETRY_AFTER = TimeUnit.SECONDS.toNanos(10);
    static final int MAX = 512;

    private final Map<Endpoint, UdpAssociation> byApp = new ConcurrentHashMap<>();
    private final InetSocketAddress socks;
    private final int timeoutMillis;
    private final TunDevice tun;
    private final FakeIpPool pool;
    private final Consumer<ByteBuffer> refuse;

    /** @param refuse answers the IP packet it is given (a datagram that could not be carried) with ICMP */
    UdpAssociations(InetSocketAddress socks, int timeoutMillis, TunDevice tun, FakeIpPool pool,
            Consumer<ByteBuffer> refuse) {
        this.socks = socks;
        this.timeoutMillis = timeoutMillis;
        this.tun = tun;
        this.pool = pool;
        this.refuse = refuse;
    }

    /**
     * Carries the UDP datagram in {@code p} (an {@code n}-byte IP packet, UDP header at {@code l4}, {@code udpLength}
     * bytes) from the TUN reader; false when it cannot be carried (the caller answers ICMP port unreachable).
     */
    boolean send(ByteBuffer p, int n, boolean v6, int l4, int udpLength, Executor connector) throws IOException {
        byte[] src = v6 ? Packets.addr6(p, 8) : Packets.addr(p, 12, 4);
        byte[] dst = v6 ? Packets.addr6(p, 24) : Packets.addr(p, 16, 4);
        int sport = Packets.u16(p, l4);
        int dport = Packets.u16(p, l4 + 2);
        String name = null;
        if (v6 ? Net.inNet6(dst) : Net.inNet4(p.getInt(16))) {
            name = v6 ? pool.nameOf6(dst) : pool.nameOf4(p.getInt(16));
            if (name == null) {
                return false; // a fake IP from before a restart: nothing to ask for
            }
        }
        Endpoint key = new Endpoint(src, sport);
        UdpAssociation a = byApp.get(key);
        if (a == null) {
            if (byApp.size() >= MAX) {
                return false;
            }
            UdpAssociation created = new UdpAssociation(src, sport);
            try {
                connector.execute(() -> created.open(socks, timeoutMillis, tun, refuse));
            } catch (RejectedExecutionException e) {
                return false;
            }
            byApp.put(key, created);
            a = created;
        }
        ByteBuffer payload = p.duplicate().limit(l4 + udpLength).position(l4 + 8);
        ByteBuffer original = a.state() == UdpAssociation.State.CONNECTING
                ? ByteBuffer.wrap(Packets.addr(p, 0, Math.min(n, 1280))) : null;
        return a.send(dst, name, dport, payload, original);
    }

    /** Ends idle associations and forgets failed ones after their cool-down; returns how many went. */
    int sweep(long now) {
        int n = 0;
        for (Iterator<UdpAssociation> it = byApp.values().iterator(); it.hasNext(); ) {
            UdpAssociation a = it.next();
            long idle = now - a.lastActive();
            UdpAssociation.State s = a.state();
            if (s == UdpAssociation.State.CLOSED || idle > IDLE
                    || (s == UdpAssociation.State.FAILED && idle > RETRY_AFTER)) {
                a.close();
                it.remove();
                n++;
            }
        }
        return n;
    }

    /** The fake IPs live associations send to (their replies are shown as coming from them). */
    void forEachFakeIp(Consumer<byte[]> action) {
        byApp.values().forEach(a -> a.forEachFakeIp(action));
    }

    int size() {
        return byApp.size();
    }

    void closeAll() {
        byApp.values().forEach(UdpAssociation::close);
        byApp.clear();
    }
}
