package dev.alknet.server.udp;

import dev.alknet.core.udp.UdpFrames;
import dev.alknet.core.udp.UdpRelayChannels;
import dev.alknet.server.dial.DestinationDecision;
import dev.alknet.server.dial.DestinationPolicy;
import dev.alknet.server.dial.ExecutorHostResolver;
import dev.alknet.server.dial.HostResolver;

/**
 * Serves the {@value UdpFrames#CHANNEL_TYPE} channel: SOCKS UDP ASSOCIATE carried inside the authenticated
 * session (docs/adr/0008-udp-over-ssh-channel.md). Each datagram's destination must pass the
 * {@link DestinationPolicy}; names are resolved on the {@link HostResolver} ({@link UdpAssociations}).
 */
public final class UdpChannelFactory extends UdpRelayChannels {

    /** Every destination allowed, the shared resolver pool. */
    public UdpChannelFactory() {
        this(ExecutorHostResolver.shared(), DestinationPolicy.ALLOW_ALL);
    }

    public UdpChannelFactory(HostResolver resolver, DestinationPolicy policy) {
        super(new UdpAssociations(resolver, new DestinationDecision(policy)));
    }
}
