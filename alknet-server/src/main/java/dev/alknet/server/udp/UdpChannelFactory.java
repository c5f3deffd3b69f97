package dev.alknet.server.udp;

import dev.alknet.core.udp.UdpFrames;
import dev.alknet.server.dial.DestinationDecision;
import dev.alknet.server.dial.DestinationPolicy;
import dev.alknet.server.dial.ExecutorHostResolver;
import dev.alknet.server.dial.HostResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.SshServer;

/**
 * Serves the {@value UdpFrames#CHANNEL_TYPE} channel: SOCKS UDP ASSOCIATE carried inside the authenticated
 * session (docs/adr/0008-udp-over-ssh-channel.md). Each datagram's destination must pass the
 * {@link DestinationPolicy}; names are resolved on the {@link HostResolver}.
 */
public final class UdpChannelFactory implements ChannelFactory {

    public static final String NAME = UdpFrames.CHANNEL_TYPE;

    private final HostResolver resolver;
    private final DestinationDecision decision;

    /** Every destination allowed, the shared resolver pool. */
    public UdpChannelFactory() {
        this(ExecutorHostResolver.shared(), DestinationPolicy.ALLOW_ALL);
    }

    public UdpChannelFactory(HostResolver resolver, DestinationPolicy policy) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.decision = new DestinationDecision(policy);
    }

    /** Adds this channel type to those {@code sshd} already serves. */
    public void installOn(SshServer sshd) {
        List<ChannelFactory> factories = new ArrayList<>(sshd.getChannelFactories());
        factories.removeIf(f -> NAME.equals(f.getName()));
        factories.add(this);
        sshd.setChannelFactories(factories);
    }

    HostResolver resolver() {
        return resolver;
    }

    DestinationDecision decision() {
        return decision;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Channel createChannel(Session session) {
        return new UdpRelayChannel(this);
    }
}
