package dev.alknet.transport.quic;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay on loopback between one QUIC client and a server that stands for a network path: it forwards
 * datagrams both ways and drops any whose payload is larger than {@code maxPayload}, as a link with an MTU of
 * {@code maxPayload + 28} (IPv4 + UDP headers) that does not fragment would. It records the largest payload it saw
 * (forwarded or not) and how many it dropped: what a test needs to see the datagram size on the wire.
 */
final class UdpPathRelay implements AutoCloseable {

    private final DatagramChannel front;
    private final DatagramChannel back;
    private final int maxPayload;
    private final AtomicInteger largestSeen = new AtomicInteger();
    private final AtomicInteger largestForwarded = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private volatile SocketAddress client;
    private final Thread up;
    private final Thread down;

    UdpPathRelay(InetSocketAddress server, int maxPayload) throws IOException {
        this.maxPayload = maxPayload;
        front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        back = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)).connect(server);
        up = start("udp-relay-up", () -> pump(front, true));
        down = start("udp-relay-down", () -> pump(back, false));
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    int port() throws IOException {
        return ((InetSocketAddress) front.getLocalAddress()).getPort();
    }

    int largestSeen() {
        return largestSeen.get();
    }

    int largestForwarded() {
        return largestForwarded.get();
    }

    long dropped() {
        return dropped.get();
    }

    private void pump(DatagramChannel from, boolean towardsServer) {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        try {
            while (true) {
                buf.clear();
                SocketAddress sender = from.receive(buf);
                buf.flip();
                int n = buf.remaining();
                largestSeen.accumulateAndGet(n, Math::max);
                if (n > maxPayload) {
                    dropped.incrementAndGet();
                    continue;
                }
                largestForwarded.accumulateAndGet(n, Math::max);
                if (towardsServer) {
                    client = sender;
                    back.write(buf);
                } else if (client != null) {
                    front.send(buf, client);
                }
            }
        } catch (ClosedChannelException closed) {
            // close() ends both pumps
        } catch (IOException e) {
            // a send to a closed peer: the relay just stops, as a path going down would
        }
    }

    @Override
    public void close() throws IOException {
        front.close();
        back.close();
    }
}
