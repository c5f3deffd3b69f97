package dev.alknet.server;

import java.util.List;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.server.global.CancelTcpipForwardHandler;
import org.apache.sshd.server.global.NoMoreSessionsHandler;
import org.apache.sshd.server.global.TcpipForwardHandler;

/**
 * Makes the SSH server a forwarder and nothing else: only {@code direct-tcpip} channels exist (no
 * session channel, hence no shell, exec, sftp or subsystem), no agent or X11 forwarding. Remote forwards
 * ({@code tcpip-forward}) are served where {@code tcpFilter} lets them listen.
 */
final class ForwardOnlyPolicy {

    private ForwardOnlyPolicy() {
    }

    static void apply(SshServer sshd, ChannelFactory directTcpip, TcpForwardingFilter tcpFilter) {
        sshd.setChannelFactories(List.of(directTcpip));
        sshd.setShellFactory(null);
        sshd.setCommandFactory(null);
        sshd.setSubsystemFactories(List.of());
        sshd.setForwardingFilter(ForwardingFilter.asForwardingFilter(null, null, tcpFilter));
        List<RequestHandler<ConnectionService>> global = List.of(KeepAliveHandler.INSTANCE,
                NoMoreSessionsHandler.INSTANCE, TcpipForwardHandler.INSTANCE, CancelTcpipForwardHandler.INSTANCE);
        sshd.setGlobalRequestHandlers(global);
    }
}
