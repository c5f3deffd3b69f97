package dev.alknet.tun;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application UDP socket (source address and port on the TUN) carried through one SOCKS5 UDP ASSOCIATE: its
 * datagrams go to the SOCKS relay with the RFC 1928 section 7 header (a name for a fake IP, so the name is resolved on
 * the alknet server); replies come back as UDP packets written into the TUN.
 *
 * <p>A reply's source is shown to the application as the address it sent to: the alknet server reports the real
 * address a name resolved to, so a reply on a port last used with a fake IP is given that fake IP (a connected UDP
 * socket would drop anything else). Datagrams sent before the association is up are queued (a few) or dropped, as
 * UDP allows; when the association cannot be made, the queued ones are answered with ICMP port unreachable.
 */
final class UdpAssociation {

    private static final Logger LOG = LoggerFactory.getLogger(UdpAssociation.class);
    private static final int MAX_QUEUED = 32;
    private static final int MAX_LITERALS = 256;

    enum State { CONNECTING, READY, FAILED, CLOSED }

    final byte[] app;
    final int appPort;
    /** Datagrams waiting for the association, each with the start of its IP packet for an ICMP answer. */
    private final ArrayDeque<ByteBuffer[]> queued = new ArrayDeque<>();
    /** Per destination port: the fake IP the application last sent to on it. */
    private final Map<Integer, byte[]> fakeByPort = new ConcurrentHashMap<>();
    /** IP destinations sent to, so a reply from one of them is not taken for a fake IP's. */
    private final Map<Endpoint, Boolean> literals = new ConcurrentHashMap<>();
    private volatile State state = State.CONNECTING;
    private volatile long lastActive = System.nanoTime();
    private SocketChannel control;
    private DatagramChannel relay;

    UdpAssociation(byte[] app, int appPort) {
        this.app = app;
        this.appPort = appPort;
    }

    State state() {
        return state;
    }

    long lastActive() {
        return lastActive;
    }

    /**
     * Sends one datagram to {@code dst:dport} ({@code name} when dst is a fake IP, else null); false when this
     * association failed or closed (the caller answers ICMP unreachable).
     */
    boolean send(byte[] dst, String name, int dport, ByteBuffer payload, ByteBuffer original) throws IOException {
        ByteBuffer datagram = frame(name != null ? null : dst, name, dport, payload);
        if (name != null) {
            fakeByPort.put(dport, dst);
        } else if (literals.size() < MAX_LITERALS) {
            literals.put(new Endpoint(dst, dport), Boolean.TRUE);
        }
        synchronized (this) {
            switch (state) {
                case CONNECTING -> {
                    lastActive = System.nanoTime();
                    if (queued.size() < MAX_QUEUED) {
                        queued.add(new ByteBuffer[] {datagram, original});
                    }
                    return true;
                }
                case READY -> lastActive = System.nanoTime(); // sent below, outside the lock
                default -> {
                    return false;
                }
            }
        }
        relay.write(datagram);
        return true;
    }

    void forEachFakeIp(Consumer<byte[]> action) {
        if (state == State.CONNECTING || state == State.READY) {
            fakeByPort.values().forEach(action);
        }
    }

    /** RSV RSV FRAG ATYP DST.ADDR DST.PORT DATA. */
    private static ByteBuffer frame(byte[] ip, String name, int port, ByteBuffer payload) {
        byte[] host = name != null ? name.getBytes(StandardCharsets.ISO_8859_1) : ip;
        int addressLength = name != null ? 1 + host.length : host.length;
        ByteBuffer b = ByteBuffer.allocate(4 + addressLength + 2 + payload.remaining());
        b.put((byte) 0).put((byte) 0).put((byte) 0);
        if (name != null) {
            b.put((byte) 3).put((byte) host.length);
        } else {
            b.put((byte) (ip.length == 4 ? 1 : 4));
        }
        b.put(host).putShort((short) port).put(payload);
        return b.flip();
    }

    /**
     * On a connector thread (in the SOCKS port's namespace): makes the association, sends what was queued and starts
     * the reply reader, which writes into {@code tun}.
     */
    void open(InetSocketAddress socks, int timeoutMillis, TunDevice tun, Consumer<ByteBuffer> refuse) {
        try {
            Socks.Association a = Socks.udpAssociate(socks, timeoutMillis);
            DatagramChannel ch = a.datagrams(); // bound to the port the request announced
            try {
                ch.connect(a.relay()); // and so receives from the relay only
            } catch (IOException e) {
                quietClose(ch);
                quietClose(a.control());
                throw e;
            }
            synchronized (this) {
                control = a.control();
                relay = ch;
                if (state != State.CONNECTING) { // closed meanwhile
                    quietClose(ch);
                    quietClose(control);
                    return;
                }
                for (ByteBuffer[] d : queued) {
                    ch.write(d[0]);
                }
                queued.clear();
                state = State.READY;
            }
            Thread t = new Thread(null, () -> receive(tun), "udp " + Net.text(app) + ":" + appPort, 256 * 1024);
            t.setDaemon(true);
            t.start();
        } catch (IOException e) {
            LOG.debug("UDP ASSOCIATE for {}:{} failed: {}", Net.text(app), appPort, e.toString());
            ArrayDeque<ByteBuffer[]> refused;
            synchronized (this) {
                refused = new ArrayDeque<>(queued);
                queued.clear();
                state = State.FAILED;
                lastActive = System.nanoTime(); // the cool-down starts now
            }
            refused.forEach(d -> refuse.accept(d[1]));
        }
    }

    private void receive(TunDevice tun) {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        try {
            while (state == State.READY) {
                buf.clear();
                relay.read(buf);
                buf.flip();
                lastActive = System.nanoTime();
                ByteBuffer packet = reply(buf);
                if (packet != null) {
                    tun.write(packet);
                }
            }
        } catch (IOException e) {
            if (state == State.READY) {
                LOG.debug("UDP relay for {}:{} ended: {}", Net.text(app), appPort, e.toString());
            }
        } finally {
            close();
        }
    }

    /** The TUN packet for one datagram from the relay, or null when it is not for us (fragment, name, family). */
    ByteBuffer reply(ByteBuffer d) {
        if (d.remaining() < 10 || d.get(2) != 0) {
            return null;
        }
        int atyp = d.get(3);
        int length = atyp == 1 ? 4 : atyp == 4 ? 16 : -1;
        if (length < 0 || d.remaining() < 4 + length + 2) {
            return null;
        }
        byte[] from = new byte[length];
        d.get(4, from);
        int port = d.getShort(4 + length) & 0xffff;
        byte[] fake = fakeByPort.get(port);
        if (fake != null && !literals.containsKey(new Endpoint(from, port))) {
            from = fake;
        }
        if (from.length != app.length) {
            return null;
        }
        int start = 4 + length + 2;
        return Packets.udp(from, port, app, appPort, d.array(), d.arrayOffset() + start, d.remaining() - start);
    }

    /** Ends the association: the SOCKS server frees it when the control connection closes. */
    void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            queued.clear();
        }
        quietClose(relay);
        quietClose(control);
    }

    private static void quietClose(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
