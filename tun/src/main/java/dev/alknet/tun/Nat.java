package dev.alknet.tun;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The NAT table of the "system stack": an application's flow (its address and port, the destination's) gets a NAT
 * port; rewritten, the flow arrives at the kernel listener as {@code PEER:natPort -> TUN:listenPort}, and the NAT
 * port leads back to the flow. Ports are handed out round-robin so a port is not reused soon after its flow ended.
 */
final class Nat {

    static final int FIRST_PORT = 1024;
    static final int LAST_PORT = 65535;

    enum State {
        /** SYN held back while the SOCKS CONNECT is under way. */
        CONNECTING,
        /** SOCKS said yes; the SYN went to the kernel listener. */
        READY,
        /** Accepted by the listener; bytes are relayed. */
        OPEN,
        /** SOCKS said no (or timed out): the application got a reset. */
        FAILED,
        /** The relay ended; kept a little so late segments still find their way. */
        CLOSED
    }

    /** Identifies a flow as the application sent it. {@code ports} also carries the family. */
    record Key(long src0, long src1, long dst0, long dst1, long ports) {
        static Key v4(int src, int sport, int dst, int dport) {
            return new Key(src, 0, dst, 0, ((long) sport << 16) | dport);
        }

        static Key v6(byte[] src, int sport, byte[] dst, int dport) {
            return new Key(longAt(src, 0), longAt(src, 8), longAt(dst, 0), longAt(dst, 8),
                    (1L << 32) | ((long) sport << 16) | dport);
        }

        private static long longAt(byte[] b, int off) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[off + i] & 0xff);
            }
            return v;
        }
    }

    /** One application flow. */
    static final class Flow {
        final Key key;
        final boolean v6;
        final int natPort;
        /** IPv4 addresses as ints; IPv6 as 16 bytes. */
        final int src4;
        final int dst4;
        final byte[] src6;
        final byte[] dst6;
        final int srcPort;
        final int dstPort;
        /** What the SOCKS CONNECT asks for: a name (from a fake IP) or an IP literal. */
        final String host;
        /** Whether {@link #host} is a name from the fake-IP pool (else an IP literal). */
        final boolean named;
        volatile State state = State.CONNECTING;
        volatile long since = System.nanoTime();
        volatile SocketChannel socks;
        /** The latest SYN from the application, held until the SOCKS reply. Guarded by this. */
        private byte[] syn;

        Flow(Key key, boolean v6, int natPort, int src4, int dst4, byte[] src6, byte[] dst6, int srcPort, int dstPort,
                String host, boolean named) {
            this.key = key;
            this.v6 = v6;
            this.natPort = natPort;
            this.src4 = src4;
            this.dst4 = dst4;
            this.src6 = src6;
            this.dst6 = dst6;
            this.srcPort = srcPort;
            this.dstPort = dstPort;
            this.host = host;
            this.named = named;
        }

        synchronized void holdSyn(byte[] packet) {
            syn = packet;
        }

        /** Moves CONNECTING to {@code next}, returning the held SYN; null if the state was something else. */
        synchronized byte[] leaveConnecting(State next) {
            if (state != State.CONNECTING) {
                return null;
            }
            state = next;
            since = System.nanoTime();
            byte[] s = syn;
            syn = null;
            return s;
        }

        synchronized boolean open() {
            if (state != State.READY) {
                return false;
            }
            state = State.OPEN;
            since = System.nanoTime();
            return true;
        }

        synchronized void close() {
            state = State.CLOSED;
            since = System.nanoTime();
        }

        @Override
        public String toString() {
            String s = v6 ? "[" + Net.text(src6) + "]" : Net.text4(src4);
            return s + ":" + srcPort + " -> " + host + ":" + dstPort + " (nat " + natPort + ", " + state + ")";
        }
    }

    private final ConcurrentHashMap<Key, Flow> byKey = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<Flow> byPort = new AtomicReferenceArray<>(LAST_PORT + 1);
    private int cursor = FIRST_PORT;

    Flow get(Key key) {
        return byKey.get(key);
    }

    Flow byPort(int natPort) {
        return byPort.get(natPort);
    }

    int size() {
        return byKey.size();
    }

    /** A new flow with a free NAT port, or null when all ports are taken. Called by the TUN reader only. */
    Flow create(Key key, boolean v6, int src4, int dst4, byte[] src6, byte[] dst6, int sport, int dport, String host,
            boolean named) {
        int span = LAST_PORT - FIRST_PORT + 1;
        for (int i = 0; i < span; i++) {
            int port = cursor;
            cursor = cursor == LAST_PORT ? FIRST_PORT : cursor + 1;
            if (byPort.get(port) == null) {
                Flow f = new Flow(key, v6, port, src4, dst4, src6, dst6, sport, dport, host, named);
                byPort.set(port, f);
                byKey.put(key, f);
                return f;
            }
        }
        return null;
    }

    void remove(Flow f) {
        byKey.remove(f.key, f);
        byPort.compareAndSet(f.natPort, f, null);
        SocketChannel s = f.socks;
        if (s != null && f.state != State.OPEN) {
            try {
                s.close();
            } catch (IOException e) {
                // gone anyway
            }
        }
    }

    /** The destinations (fake IPs included) of flows that are connecting, ready or open. */
    void forEachLiveDestination(Consumer<byte[]> action) {
        for (Flow f : byKey.values()) {
            State s = f.state;
            if (s == State.CONNECTING || s == State.READY || s == State.OPEN) {
                action.accept(f.v6 ? f.dst6 : Net.bytes4(f.dst4));
            }
        }
    }

    /**
     * Drops flows whose time is up: failed ones after {@code failedNanos} (retransmitted SYNs get resets until then),
     * ready ones the listener never accepted after {@code readyNanos}, closed ones after {@code closedNanos}.
     */
    int sweep(long now, long failedNanos, long readyNanos, long closedNanos) {
        int removed = 0;
        for (Flow f : byKey.values()) {
            long age = now - f.since;
            boolean expired = switch (f.state) {
                case FAILED -> age > failedNanos;
                case READY -> age > readyNanos;
                case CLOSED -> age > closedNanos;
                default -> false;
            };
            if (expired) {
                remove(f);
                removed++;
            }
        }
        return removed;
    }

    @Override
    public String toString() {
        return "nat " + Arrays.toString(byKey.values().stream().map(Flow::toString).toArray());
    }
}
