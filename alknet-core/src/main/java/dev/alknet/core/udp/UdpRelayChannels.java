package dev.alknet.core.udp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.SshServer;

/** MINA's factory for the {@value UdpFrames#CHANNEL_TYPE} channel: a {@link UdpRelayChannel} per open. */
public class UdpRelayChannels implements ChannelFactory {

    public static final String NAME = UdpFrames.CHANNEL_TYPE;

    private final UdpEgress egress;

    public UdpRelayChannels(UdpEgress egress) {
        this.egress = Objects.requireNonNull(egress, "egress");
    }

    /** Adds this channel type to those {@code sshd} already serves. */
    public final void installOn(SshServer sshd) {
        List<ChannelFactory> factories = new ArrayList<>(sshd.getChannelFactories());
        factories.removeIf(f -> NAME.equals(f.getName()));
        factories.add(this);
        sshd.setChannelFactories(factories);
    }

    @Override
    public final String getName() {
        return NAME;
    }

    @Override
    public final Channel createChannel(Session session) {
        return new UdpRelayChannel(egress);
    }
}
