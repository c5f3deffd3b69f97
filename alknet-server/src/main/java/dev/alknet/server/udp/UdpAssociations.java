package dev.alknet.server.udp;

import dev.alknet.core.ssh.SshSession;
import dev.alknet.core.udp.UdpEgress;
import dev.alknet.core.udp.UdpFrameWriter;
import dev.alknet.server.dial.DestinationDecision;
import dev.alknet.server.dial.HostResolver;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.util.Objects;

/**
 * The server's UDP egress: each association sends through a {@link DatagramSender} (the {@link DestinationDecision},
 * names resolved on the {@link HostResolver}) and lets answers back through {@link RepliesToSsh} only from the
 * destinations it sent to lately.
 */
final class UdpAssociations implements UdpEgress {

    private static final int PEERS = 1024;

    private final HostResolver resolver;
    private final DestinationDecision decision;

    UdpAssociations(HostResolver resolver, DestinationDecision decision) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.decision = Objects.requireNonNull(decision, "decision");
    }

    @Override
    public Association open(SshSession session) {
        RecentPeers peers = new RecentPeers(PEERS);
        RepliesToSsh replies = new RepliesToSsh(peers);
        return new Association() {
            private volatile DatagramSender sender;

            @Override
            public ChannelHandler replies() {
                return replies;
            }

            @Override
            public void bound(Channel socket, UdpFrameWriter toClient) {
                sender = new DatagramSender(socket, session, decision, new NameCache(resolver), peers);
                replies.attach(toClient);
            }

            @Override
            public void send(byte[] frameBody) {
                DatagramSender s = sender;
                if (s != null) {
                    s.send(frameBody);
                }
            }
        };
    }
}
