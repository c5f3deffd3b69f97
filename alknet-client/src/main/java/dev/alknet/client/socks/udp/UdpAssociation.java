package dev.alknet.client.socks.udp;

import dev.alknet.core.udp.UdpAssociationChannel;
import dev.alknet.core.udp.UdpFrameWriter;
import dev.alknet.core.udp.UdpFrames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live UDP association: datagrams between the SOCKS client's UDP socket and the relay socket on one side and
 * the SSH channel on the other. Only datagrams from the control connection's IP address (and from the port the
 * request named, or else the first port seen) are accepted; replies go to that address. Ends, all three parts
 * at once, by {@link #close()}.
 */
final class UdpAssociation {

    private static final Logger log = LoggerFactory.getLogger(UdpAssociation.class);
    /** Bytes of datagrams that may wait for the SSH channel; more are dropped. */
    private static final int QUEUE_BUDGET = 512 * 1024;

    private final Channel control;
    private final Channel relay;
    private final UdpAssociationChannel ssh;
    private final UdpCounters counters;
    private final InetAddress clientIp;
    private final int clientPort;
    private final UdpFrameWriter toServer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean oversizeReported = new AtomicBoolean();
    private volatile InetSocketAddress client;
    private volatile long lastActivity = System.nanoTime();

    /** @param clientPort the port the client said it sends from, or 0 to take the first one seen */
    UdpAssociation(Channel control, Channel relay, UdpAssociationChannel ssh, UdpCounters counters,
            InetAddress clientIp, int clientPort) {
        this.control = control;
        this.relay = relay;
        this.ssh = ssh;
        this.counters = counters;
        this.clientIp = clientIp;
        this.clientPort = clientPort;
        this.toServer = new UdpFrameWriter(ssh.getAsyncIn(), QUEUE_BUDGET, e -> {
            log.debug("{} SSH channel write failed: {}", control, e.toString());
            close();
        });
        counters.open.incrementAndGet();
        ssh.receiveWith(this::fromServer);
        ssh.addCloseFutureListener(f -> close());
        relay.closeFuture().addListener(f -> close());
    }

    /** Nanotime of the last datagram in either direction. */
    long lastActivity() {
        return lastActivity;
    }

    InetSocketAddress relayAddress() {
        return (InetSocketAddress) relay.localAddress();
    }

    /** A datagram at the relay socket. Runs on the relay's event loop. */
    void fromClient(DatagramPacket p) {
        InetSocketAddress from = p.sender();
        if (!isClient(from)) {
            counters.strangers.incrementAndGet();
            log.debug("{} dropping a datagram from {}: not this association's client", control, from);
            return;
        }
        SocksDatagrams.Parsed parsed = SocksDatagrams.toFrame(p.content());
        if (parsed.drop() != null) {
            (parsed.drop() == SocksDatagrams.Drop.FRAGMENT ? counters.fragments : counters.malformed)
                    .incrementAndGet();
            log.debug("{} dropping a datagram from {}: {}", control, from, parsed.drop());
            return;
        }
        lastActivity = System.nanoTime();
        if (toServer.offer(parsed.frame())) {
            counters.toServer.incrementAndGet();
        } else {
            counters.congested.incrementAndGet();
        }
    }

    private boolean isClient(InetSocketAddress from) {
        if (from == null || !clientIp.equals(from.getAddress())) {
            return false;
        }
        InetSocketAddress known = client;
        if (known != null) {
            return known.getPort() == from.getPort();
        }
        if (clientPort != 0 && clientPort != from.getPort()) {
            return false;
        }
        client = from;
        return true;
    }

    /** A frame body from the server. Runs on the SSH session's thread. */
    private void fromServer(byte[] body) {
        InetSocketAddress to = client;
        if (to == null || closed.get()) {
            return; // nothing was sent yet, so nothing can answer
        }
        lastActivity = System.nanoTime();
        int size = SocksDatagrams.datagramSize(body);
        if (size > UdpFrames.maxPayload(to)) {
            counters.oversized.incrementAndGet();
            String why = "dropping a reply of {} bytes: with the SOCKS header it exceeds the {} bytes a UDP datagram"
                    + " to {} can carry";
            if (oversizeReported.compareAndSet(false, true)) {
                log.info("{} " + why + " (said once per association)", control, size, UdpFrames.maxPayload(to), to);
            } else {
                log.debug("{} " + why, control, size, UdpFrames.maxPayload(to), to);
            }
            return;
        }
        if (!relay.isWritable()) {
            counters.congested.incrementAndGet();
            return;
        }
        ByteBuf d = SocksDatagrams.toClient(relay.alloc(), body);
        relay.writeAndFlush(new DatagramPacket(d, to)).addListener(f -> {
            if (f.isSuccess()) {
                counters.toClient.incrementAndGet();
            } else {
                log.debug("{} delivering a reply to {} failed: {}", control, to, f.cause().toString());
            }
        });
    }

    /** Ends the association: relay socket, SSH channel and control connection. Any thread, idempotent. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            counters.open.decrementAndGet();
            log.debug("{} UDP association on {} ended", control, relay.localAddress());
            relay.close();
            ssh.close(false);
            control.close();
        }
    }
}
