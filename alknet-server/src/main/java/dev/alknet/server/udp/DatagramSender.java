package dev.alknet.server.udp;

import dev.alknet.core.udp.UdpFrames;
import dev.alknet.server.dial.DestinationDecision;
import dev.alknet.server.dial.DialTarget;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import dev.alknet.core.ssh.SshSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the datagram of one client frame from the association's UDP socket: checks the destination with the
 * {@link DestinationDecision} as a {@code direct-tcpip} open is (while the server drains, nothing is sent), resolves a
 * name (off the calling thread, see {@link NameCache}), checks the address, sends, and records the
 * destination as a peer that may answer. Anything that cannot be sent is dropped with a debug line; UDP has
 * no error channel back to the sender.
 */
final class DatagramSender {

    private static final Logger LOG = LoggerFactory.getLogger(DatagramSender.class);
    /** Datagrams waiting for a name lookup, per association; more are dropped. */
    private static final int MAX_WAITING = 256;

    private final Channel socket;
    private final SshSession session;
    private final DestinationDecision decision;
    private final NameCache names;
    private final RecentPeers peers;
    private final AtomicInteger waiting = new AtomicInteger();

    DatagramSender(Channel socket, SshSession session, DestinationDecision decision, NameCache names,
            RecentPeers peers) {
        this.socket = socket;
        this.session = session;
        this.decision = decision;
        this.names = names;
        this.peers = peers;
    }

    /** One frame body from the client. Runs on the SSH session's thread; never blocks. */
    void send(byte[] body) {
        UdpFrames.Address a = UdpFrames.decodeAddress(body);
        if (a == null) {
            LOG.debug("{} dropping a frame with a malformed address", socket);
            return;
        }
        DestinationDecision.Verdict verdict = decision.open(session, DestinationDecision.Kind.UDP, a.host(), a.port());
        if (!verdict.allowed()) {
            LOG.debug("{} dropping a datagram to {} port {}: {}", socket, a.host(), a.port(),
                    verdict.denial().reason());
            return;
        }
        DialTarget target = verdict.target(); // a literal sent as a name, in any inet_aton form, is an address
        if (target.isAddress()) {
            sendIfAllowed(body, a, target, target.parsed().address());
            return;
        }
        if (waiting.incrementAndGet() > MAX_WAITING) {
            waiting.decrementAndGet();
            LOG.debug("{} dropping a datagram to {}: too many waiting for name lookups", socket, a.host());
            return;
        }
        names.resolve(a.host()).whenComplete((ip, err) -> {
            waiting.decrementAndGet();
            if (err != null) {
                LOG.debug("{} dropping a datagram to {}: {}", socket, a.host(), err.toString());
            } else {
                sendIfAllowed(body, a, target, ip);
            }
        });
    }

    /** The decision's check of the resolved address (a name resolving to a denied address is denied). */
    private void sendIfAllowed(byte[] body, UdpFrames.Address a, DialTarget target, InetAddress ip) {
        if (decision.allowsAddress(session, target, ip)) {
            sendTo(body, a, ip);
        } else {
            LOG.debug("{} dropping a datagram to {} ({}): not allowed", socket, a.host(), ip);
        }
    }

    private void sendTo(byte[] body, UdpFrames.Address a, InetAddress ip) {
        InetSocketAddress to = new InetSocketAddress(ip, a.port());
        int len = body.length - a.length();
        if (len > UdpFrames.maxPayload(to)) {
            LOG.debug("{} dropping a datagram of {} bytes to {}: larger than UDP allows", socket, len, to);
            return;
        }
        if (!socket.isActive() || !socket.isWritable()) {
            LOG.debug("{} dropping a datagram to {}: socket closed or busy", socket, to);
            return;
        }
        peers.sentTo(to);
        socket.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(body, a.length(), len), to))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        LOG.debug("{} sending {} bytes to {} failed: {}", socket, len, to, f.cause().toString());
                    }
                });
    }
}
