package dev.alknet.server;

import java.util.List;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.server.global.NoMoreSessionsHandler;

/**
 * Makes the SSH server a forwarder and nothing else: only {@code direct-tcpip} channels exist (no
 * session channel, hence no shell, exec, sftp or subsystem), no agent or X11 forwarding.
 */
final class ForwardOnlyPolicy {

    private ForwardOnlyPolicy() {
    }

    static void apply(SshServer sshd, ChannelFactory directTcpip) {
        sshd.setChannelFactories(List.of(directTcpip));
        sshd.setShellFactory(null);
        sshd.setCommandFactory(null);
        sshd.setSubsystemFactories(List.of());
        sshd.setForwardingFilter(ForwardingFilter.asForwardingFilter(null, null, TcpForwardingFilter.DEFAULT));
        List<RequestHandler<ConnectionService>> global = List.of(KeepAliveHandler.INSTANCE,
                NoMoreSessionsHandler.INSTANCE);
        sshd.setGlobalRequestHandlers(global);
    }
}
