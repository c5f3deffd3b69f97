package dev.alknet.server.dial;

import dev.alknet.core.channel.DialedChannel;
import dev.alknet.core.channel.DialedChannelFactory;

/**
 * Replaces MINA's {@code DirectTcpipFactory}: serves each {@code direct-tcpip} open with a {@link DialedChannel} that
 * reaches its destination through {@link DirectTcpipDial}. Install with
 * {@code sshd.setChannelFactories(List.of(new DirectTcpipChannelFactory(dialer, policy)))}.
 *
 * <p>Each open is decided by one {@link DestinationDecision}: the {@link DestinationPolicy} and, when the server has
 * one, its forwarding filter's {@code canConnect(Direct, ...)}. Note that {@code ServerBuilder}'s default filter is
 * {@code RejectAllForwardingFilter}: set one (e.g. {@code ForwardingRules.filter(...)}) or none.
 */
public final class DirectTcpipChannelFactory extends DialedChannelFactory {

    public static final String NAME = "direct-tcpip";

    public DirectTcpipChannelFactory(Dialer dialer) {
        this(dialer, DestinationPolicy.ALLOW_ALL);
    }

    public DirectTcpipChannelFactory(Dialer dialer, DestinationPolicy policy) {
        super(NAME, new DirectTcpipDial(dialer, new DestinationDecision(policy)));
    }
}
