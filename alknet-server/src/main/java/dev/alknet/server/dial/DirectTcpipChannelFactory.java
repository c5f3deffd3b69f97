package dev.alknet.server.dial;

import java.util.Objects;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;

/**
 * Replaces MINA's {@code DirectTcpipFactory}: creates a {@link DialedTcpipChannel} for each {@code direct-tcpip}
 * open. Install with {@code sshd.setChannelFactories(List.of(new DirectTcpipChannelFactory(dialer, policy)))}.
 *
 * <p>Each open is decided by one {@link DestinationDecision}: the {@link DestinationPolicy} and, when the server has
 * one, the {@code TcpForwardingFilter.canConnect(Direct, ...)} of its {@code ForwardingFilter}. Note that
 * {@code ServerBuilder}'s default filter is {@code RejectAllForwardingFilter}: set one (e.g.
 * {@code ForwardingFilter.asForwardingFilter(null, null, TcpForwardingFilter.DEFAULT)}) or use
 * {@code setForwardingFilter(null)}.
 */
public final class DirectTcpipChannelFactory implements ChannelFactory {

    public static final String NAME = "direct-tcpip";

    private final Dialer dialer;
    private final DestinationDecision decision;

    public DirectTcpipChannelFactory(Dialer dialer) {
        this(dialer, DestinationPolicy.ALLOW_ALL);
    }

    public DirectTcpipChannelFactory(Dialer dialer, DestinationPolicy policy) {
        this.dialer = Objects.requireNonNull(dialer, "dialer");
        this.decision = new DestinationDecision(policy);
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Channel createChannel(Session session) {
        return new DialedTcpipChannel(dialer, decision);
    }
}
