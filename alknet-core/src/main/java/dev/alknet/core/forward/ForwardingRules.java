package dev.alknet.core.forward;

import dev.alknet.core.config.HostPort;
import dev.alknet.core.ssh.SshSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;

/**
 * A server's TCP forwarding rules in alknet's types: may a session listen ({@code tcpip-forward}, {@code -R}) or
 * connect ({@code direct-tcpip}) there. Installed on MINA's server as its forwarding filter ({@link #filter}), where
 * the destination decision finds it ({@link SshSession#forwardingAllowsDirect}).
 */
public interface ForwardingRules {

    /** The channel type of a connect, as RFC 4254 names it. */
    String DIRECT_TCPIP = "direct-tcpip";

    boolean canListen(HostPort address, SshSession session);

    /** {@code channelType}: {@link #DIRECT_TCPIP} for what alknet asks. */
    boolean canConnect(String channelType, HostPort address, SshSession session);

    /** MINA's filter: TCP by these rules, no agent and no X11 forwarding. */
    static ForwardingFilter filter(ForwardingRules rules) {
        return ForwardingFilter.asForwardingFilter(null, null, new TcpForwardingFilter() {
            @Override
            public boolean canListen(SshdSocketAddress address, Session session) {
                return rules.canListen(new HostPort(address.getHostName(), address.getPort()), SshSession.of(session));
            }

            @Override
            public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
                return rules.canConnect(type.getName(), new HostPort(address.getHostName(), address.getPort()),
                        SshSession.of(session));
            }
        });
    }
}
