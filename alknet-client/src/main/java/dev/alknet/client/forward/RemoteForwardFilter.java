package dev.alknet.client.forward;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's forwarding filter: a {@code forwarded-tcpip} channel from the server may only reach a target
 * one of our {@code -R} forwards named. Nothing else (no listening, no agent, no X11): a hostile or
 * compromised server must not be able to make the client dial into its network.
 */
public final class RemoteForwardFilter implements TcpForwardingFilter {

    private static final Logger log = LoggerFactory.getLogger(RemoteForwardFilter.class);

    private final Set<String> targets;

    private RemoteForwardFilter(List<ForwardSpec> remote) {
        this.targets = remote.stream().map(s -> key(s.targetHost(), s.targetPort())).collect(Collectors.toSet());
    }

    /** For {@code SshClient.setForwardingFilter}: TCP only, to the given forwards' targets only. */
    public static ForwardingFilter allowing(List<ForwardSpec> remote) {
        return ForwardingFilter.asForwardingFilter(null, null, new RemoteForwardFilter(remote));
    }

    @Override
    public boolean canListen(SshdSocketAddress address, Session session) {
        return false;
    }

    @Override
    public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
        if (type == Type.Forwarded && targets.contains(key(address.getHostName(), address.getPort()))) {
            return true;
        }
        log.warn("refused a {} channel from the server to {}: no -R forward goes there", type.getName(), address);
        return false;
    }

    private static String key(String host, int port) {
        return host.toLowerCase(Locale.ROOT) + "|" + port;
    }
}
