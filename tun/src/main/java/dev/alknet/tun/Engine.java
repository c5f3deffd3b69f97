package dev.alknet.tun;

import dev.alknet.tun.Nat.Flow;
import dev.alknet.tun.Nat.Key;
import dev.alknet.tun.Nat.State;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet side of alknet-tun. One thread reads the TUN and, per packet:
 *
 * <ul>
 *   <li>TCP from an application: the first SYN is held while a SOCKS5 CONNECT is made (a name for a fake IP, else
 *       the IP); on success the SYN, rewritten to {@code PEER:natPort -> TUN:listenPort}, goes back into the TUN and the
 *       kernel's own TCP accepts it on the listener; on failure the application gets a reset. Later segments are just
 *       rewritten.</li>
 *   <li>TCP from the listener: rewritten back to {@code destination -> application}.</li>
 *   <li>UDP to port 53: answered by the fake-IP DNS responder.</li>
 *   <li>Other UDP: carried through a SOCKS5 UDP ASSOCIATE per application socket ({@link UdpAssociations}); ICMP port
 *       unreachable when that is refused. Everything else is dropped.</li>
 * </ul>
 *
 * <p>Threads that open SOCKS connections must live in the namespace where the SOCKS port is, so {@link #start()}
 * must be called from such a thread: every thread of the engine is created from it.
 */
final class Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** Between CONNECTs asked again after a general failure (the tunnel down or resuming). */
    private static final long RETRY_PAUSE_MILLIS = 1000;

    private final TunDevice tun;
    private final InetSocketAddress socks;
    private final boolean ipv6;
    private final int connectTimeoutMillis;
    private final ServerSocketChannel listener4;
    private final ServerSocketChannel listener6;
    private final int lport4;
    private final int lport6;
    final FakeIpPool pool;
    final Nat nat = new Nat();
    final Stats stats = new Stats();
    private final UdpAssociations udp;
    private ThreadPoolExecutor connector;
    private ScheduledThreadPoolExecutor timer;
    private volatile boolean stopped;
    private volatile Consumer<IOException> onReaderEnd = e -> { };
    private final byte[] tun6 = Net.TUN6;
    private final byte[] peer6 = Net.PEER6;
    private static final byte[] PEER4_BYTES = Net.bytes4(Net.PEER4);

    /**
     * @param listener4 bound to {@link Net#TUN4} in the TUN's namespace
     * @param listener6 bound to {@link Net#TUN6}, or null when IPv6 is not captured
     */
    Engine(TunDevice tun, InetSocketAddress socks, ServerSocketChannel listener4, ServerSocketChannel listener6,
            FakeIpPool pool, int connectTimeoutMillis) throws IOException {
        this.tun = tun;
        this.socks = socks;
        this.listener4 = listener4;
        this.listener6 = listener6;
        this.ipv6 = listener6 != null;
        this.lport4 = ((InetSocketAddress) listener4.getLocalAddress()).getPort();
        this.lport6 = ipv6 ? ((InetSocketAddress) listener6.getLocalAddress()).getPort() : -1;
        this.pool = pool;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.udp = new UdpAssociations(socks, connectTimeoutMillis, tun, pool, this::refuseUdp);
    }

    /** What to do when the TUN can no longer be read although nobody stopped the engine (the device was deleted). */
    void onReaderEnd(Consumer<IOException> action) {
        onReaderEnd = action;
    }

    void start() {
        connector = new ThreadPoolExecutor(0, 1024, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(null, r, "socks-connect", 256 * 1024);
            t.setDaemon(true);
            return t;
        });
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tun-sweeper");
            t.setDaemon(true);
            return t;
        });
        long s = TimeUnit.SECONDS.toNanos(1);
        timer.scheduleWithFixedDelay(() -> {
            int n = nat.sweep(System.nanoTime(), 3 * s, 20 * s, 30 * s);
            if (n > 0) {
                LOG.debug("swept {} flows, {} left", n, nat.size());
            }
            int u = udp.sweep(System.nanoTime());
            if (u > 0) {
                LOG.debug("ended {} UDP associations, {} left", u, udp.size());
            }
            // names behind live flows stay in use however long the flow lasts
            nat.forEachLiveDestination(pool::touch);
            udp.forEachFakeIp(pool::touch);
        }, 1, 1, TimeUnit.SECONDS);
        daemon("tun-reader", this::readLoop);
        daemon("tun-accept4", () -> acceptLoop(listener4));
        if (ipv6) {
            daemon("tun-accept6", () -> acceptLoop(listener6));
        }
    }

    void stop() {
        stopped = true;
        closeQuietly(listener4);
        if (listener6 != null) {
            closeQuietly(listener6);
        }
        udp.closeAll();
        if (connector != null) {
            connector.shutdownNow();
            timer.shutdownNow();
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    // ---- the TUN reader ----

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        VnetHeader header = new VnetHeader();
        while (!stopped) {
            buf.clear();
            int n;
            try {
                n = tun.read(header, buf);
            } catch (IOException e) {
                if (!stopped) {
                    LOG.debug("TUN read ended: {}", e.toString());
                    onReaderEnd.accept(e);
                }
                return;
            }
            if (n <= 0) {
                continue;
            }
            stats.packetsIn.increment();
            stats.bytesIn.add(n);
            try {
                handle(buf, n, header);
            } catch (IOException e) {
                LOG.debug("TUN write failed: {}", e.toString());
            } catch (RuntimeException e) {
                stats.dropped.increment();
                LOG.debug("bad packet", e);
            }
        }
    }

    /** Handles one complete packet read from the TUN ({@code p[0..n)}); writes replies or the rewritten packet. */
    void handle(ByteBuffer p, int n) throws IOException {
        handle(p, n, VnetHeader.none());
    }

    /** As above, for a packet that came with {@code header} (offload metadata, written back with the packet). */
    void handle(ByteBuffer p, int n, VnetHeader header) throws IOException {
        int version = (p.get(0) & 0xff) >>> 4;
        if (version == 4 && n >= 20) {
            int ihl = (p.get(0) & 0x0f) * 4;
            int total = Packets.u16(p, 2);
            if (ihl < 20 || total > n || total < ihl) {
                stats.dropped.increment();
                return;
            }
            if ((Packets.u16(p, 6) & 0x3fff) != 0) {
                stats.dropped.increment(); // fragments: TCP never sends them here (DF, local MSS)
                return;
            }
            int proto = p.get(9) & 0xff;
            if (proto == Packets.TCP) {
                tcp(p, total, false, ihl, header);
            } else if (proto == Packets.UDP) {
                udp(p, total, false, ihl);
            } else {
                stats.dropped.increment();
            }
        } else if (version == 6 && n >= 40) {
            int total = Math.min(n, 40 + Packets.u16(p, 4));
            int next = p.get(6) & 0xff;
            if (next == Packets.TCP && ipv6) {
                tcp(p, total, true, 40, header);
            } else if (next == Packets.UDP) {
                udp(p, total, true, 40);
            } else {
                stats.dropped.increment(); // router solicitations, MLD, echo, extension headers
            }
        } else {
            stats.dropped.increment();
        }
    }

    private void write(ByteBuffer p, int n, VnetHeader header) throws IOException {
        p.limit(n).position(0);
        tun.write(header, p);
    }

    private void write(ByteBuffer p) throws IOException {
        p.position(0);
        tun.write(p);
    }

    private boolean fromListener(ByteBuffer p, boolean v6, int sport) {
        if (!v6) {
            return sport == lport4 && p.getInt(12) == Net.TUN4 && p.getInt(16) == Net.PEER4;
        }
        if (sport != lport6) {
            return false;
        }
        for (int i = 0; i < 16; i++) {
            if (p.get(8 + i) != tun6[i] || p.get(24 + i) != peer6[i]) {
                return false;
            }
        }
        return true;
    }

    private void tcp(ByteBuffer p, int n, boolean v6, int l4, VnetHeader header) throws IOException {
        if (n < l4 + 20) {
            stats.dropped.increment();
            return;
        }
        int sport = Packets.u16(p, l4);
        int dport = Packets.u16(p, l4 + 2);
        int flags = p.get(l4 + 13) & 0xff;
        boolean rst = (flags & Packets.RST) != 0;
        if (fromListener(p, v6, sport)) {
            Flow f = nat.byPort(dport);
            if (f == null || f.v6 != v6 || f.state == State.CONNECTING || f.state == State.FAILED) {
                if (!rst) {
                    write(Packets.tcpReset(p, v6, l4, n));
                }
                return;
            }
            boolean partial = header.needsChecksum();
            if (v6) {
                Packets.rewrite6(p, l4, f.dst6, f.dstPort, f.src6, f.srcPort, partial);
            } else {
                Packets.rewrite4(p, l4, f.dst4, f.dstPort, f.src4, f.srcPort, partial);
            }
            write(p, n, header);
            return;
        }
        byte[] src6 = null;
        byte[] dst6 = null;
        int src4 = 0;
        int dst4 = 0;
        Key key;
        if (v6) {
            src6 = Packets.addr6(p, 8);
            dst6 = Packets.addr6(p, 24);
            key = Key.v6(src6, sport, dst6, dport);
        } else {
            src4 = p.getInt(12);
            dst4 = p.getInt(16);
            key = Key.v4(src4, sport, dst4, dport);
        }
        boolean syn = (flags & (Packets.SYN | Packets.ACK | Packets.RST)) == Packets.SYN;
        Flow f = nat.get(key);
        if (f != null && syn && f.state == State.CLOSED) {
            nat.remove(f); // the application reuses the port of a finished flow
            f = null;
        }
        if (f == null) {
            if (!syn) {
                if (!rst) {
                    write(Packets.tcpReset(p, v6, l4, n)); // not ours (e.g. from before a restart)
                }
                return;
            }
            boolean named = v6 ? Net.inNet6(dst6) : Net.inNet4(dst4);
            String host = v6 ? destination6(dst6) : destination4(dst4);
            Flow created = host == null ? null
                    : nat.create(key, v6, src4, dst4, src6, dst6, sport, dport, host, named);
            if (created == null) {
                stats.tcpRefused.increment();
                write(Packets.tcpReset(p, v6, l4, n));
                return;
            }
            stats.tcpFlows.increment();
            created.holdSyn(held(p, n, header));
            try {
                connector.execute(() -> connect(created));
            } catch (RejectedExecutionException e) {
                fail(created, "too many connects at once");
            }
            return;
        }
        switch (f.state) {
            case CONNECTING -> {
                if (syn) {
                    f.holdSyn(held(p, n, header)); // a retransmitted SYN: keep the newest, send it on success
                }
            }
            case FAILED -> {
                if (!rst) {
                    write(Packets.tcpReset(p, v6, l4, n));
                }
            }
            default -> {
                toListener(p, v6, l4, f, header.needsChecksum());
                write(p, n, header);
            }
        }
    }

    private void toListener(ByteBuffer p, boolean v6, int l4, Flow f, boolean partial) {
        if (v6) {
            Packets.rewrite6(p, l4, peer6, f.natPort, tun6, lport6, partial);
        } else {
            Packets.rewrite4(p, l4, Net.PEER4, f.natPort, Net.TUN4, lport4, partial);
        }
    }

    /** What to ask the SOCKS server for; null when nothing may be asked (our own addresses, a stale fake IP). */
    private String destination4(int dst) {
        if (Net.inNet4(dst)) {
            return pool.nameOf4(dst);
        }
        return Net.text4(dst);
    }

    private String destination6(byte[] dst) {
        if (Net.inNet6(dst)) {
            return pool.nameOf6(dst);
        }
        return Net.text(dst);
    }

    /** A copy of a SYN to send later without its header: an offloaded checksum is completed first. */
    private static byte[] held(ByteBuffer p, int n, VnetHeader header) {
        if (header.needsChecksum()) {
            Packets.completeChecksum(p, n, header.csumStart(), header.csumOffset());
        }
        byte[] b = new byte[n];
        p.get(0, b);
        return b;
    }

    /**
     * On a connector thread: the SOCKS CONNECT for a held SYN. A "general failure" (REP 1) is what the alknet client
     * answers while its tunnel is down or resuming, after its --connect-wait: the CONNECT is asked again, the SYN still
     * held, until --connect-timeout has passed since the SYN. The application's flow waits for the tunnel instead of
     * getting a reset early (the kill switch holds); any other failure is a reset at once.
     */
    private void connect(Flow f) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis);
        SocketChannel ch;
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                ch = Socks.connect(socks, f.host, !f.named, f.dstPort, (int) Math.max(1, left));
                break;
            } catch (Socks.Refused r) {
                long rest = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()); // the answer took time
                if (r.reply != 1 || rest <= RETRY_PAUSE_MILLIS * 2 || stopped || f.state != State.CONNECTING) {
                    fail(f, r.toString());
                    return;
                }
                LOG.debug("{}: {}; asking again (the tunnel may be resuming)", f, r.getMessage());
                try {
                    Thread.sleep(RETRY_PAUSE_MILLIS);
                } catch (InterruptedException e) {
                    fail(f, "stopped");
                    return;
                }
            } catch (IOException e) {
                fail(f, e.toString());
                return;
            }
        }
        f.socks = ch;
        byte[] syn = f.leaveConnecting(State.READY);
        if (syn == null) {
            Relay.quietClose(ch);
            return;
        }
        ByteBuffer p = ByteBuffer.wrap(syn);
        int l4 = f.v6 ? 40 : (p.get(0) & 0x0f) * 4;
        toListener(p, f.v6, l4, f, false);
        try {
            write(p);
        } catch (IOException e) {
            LOG.debug("TUN write failed: {}", e.toString());
        }
        LOG.debug("connected {}", f);
    }

    private void fail(Flow f, String why) {
        stats.tcpRefused.increment();
        byte[] syn = f.leaveConnecting(State.FAILED);
        LOG.debug("refused {}: {}", f, why);
        if (syn == null) {
            return;
        }
        ByteBuffer p = ByteBuffer.wrap(syn);
        int l4 = f.v6 ? 40 : (p.get(0) & 0x0f) * 4;
        try {
            write(Packets.tcpReset(p, f.v6, l4, syn.length));
        } catch (IOException e) {
            LOG.debug("TUN write failed: {}", e.toString());
        }
    }

    // ---- UDP ----

    private void udp(ByteBuffer p, int n, boolean v6, int l4) throws IOException {
        if (n < l4 + 8) {
            stats.dropped.increment();
            return;
        }
        int dport = Packets.u16(p, l4 + 2);
        int udpLength = Math.min(Packets.u16(p, l4 + 4), n - l4);
        if (dport == 53) {
            byte[] answer = Dns.respond(p, l4 + 8, udpLength - 8, pool, ipv6);
            if (answer != null) {
                stats.dnsAnswers.increment();
                write(Packets.udpReply(p, v6, l4, answer));
            } else {
                stats.dropped.increment();
            }
            return;
        }
        boolean multicast = v6 ? p.get(24) == (byte) 0xff
                : (p.get(16) & 0xf0) == 0xe0 || p.getInt(16) == 0xffffffff;
        if (multicast) {
            stats.dropped.increment();
            return;
        }
        if (udp.send(p, n, v6, l4, udpLength, connector)) {
            stats.udpDatagrams.increment();
            return;
        }
        stats.udpRefused.increment();
        write(Packets.portUnreachable(p, v6, n));
    }

    /** A datagram that was queued for an association that could not be made: ICMP port unreachable. */
    private void refuseUdp(ByteBuffer original) {
        stats.udpRefused.increment();
        boolean v6 = (original.get(0) & 0xf0) == 0x60;
        try {
            write(Packets.portUnreachable(original, v6, original.capacity()));
        } catch (IOException e) {
            LOG.debug("TUN write failed: {}", e.toString());
        }
    }

    // ---- the kernel listener ----

    /**
     * Whether an accepted connection is the one the TUN reader rewrote for {@code f}: from {@code PEER:natPort} to
     * the listener of the flow's family. A local process that connects to the listener comes from a local address
     * (the TUN's, as a rule); one that binds the peer address (IP_FREEBIND) never completes the handshake, because
     * the listener's SYN-ACK to the peer address goes into the TUN and on to the flow's application.
     */
    private boolean rewrittenFrom(Flow f, ServerSocketChannel listener, InetSocketAddress remote) {
        if (remote.getPort() != f.natPort || (f.v6 ? listener != listener6 : listener != listener4)) {
            return false;
        }
        byte[] a = remote.getAddress().getAddress();
        return f.v6 ? Arrays.equals(a, peer6) : Arrays.equals(a, PEER4_BYTES);
    }

    private void acceptLoop(ServerSocketChannel listener) {
        while (!stopped) {
            SocketChannel c;
            try {
                c = listener.accept();
            } catch (IOException e) {
                if (!stopped) {
                    LOG.debug("accept ended: {}", e.toString());
                }
                return;
            }
            Flow f;
            InetSocketAddress remote;
            try {
                remote = (InetSocketAddress) c.getRemoteAddress();
                f = nat.byPort(remote.getPort());
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                Relay.abort(c);
                continue;
            }
            // The whole 4-tuple, not just the NAT port: any local process can connect to the listener, from any port.
            if (f == null || f.socks == null || !rewrittenFrom(f, listener, remote) || !f.open()) {
                stats.strangers.increment();
                Relay.abort(c);
                continue;
            }
            Relay.start(c, f.socks, "relay " + f.natPort, f::close);
        }
    }
}
