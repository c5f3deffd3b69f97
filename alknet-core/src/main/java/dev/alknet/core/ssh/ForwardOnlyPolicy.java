package dev.alknet.core.ssh;

import dev.alknet.core.forward.ForwardingRules;
import dev.alknet.core.forward.RemoteListen;
import dev.alknet.core.forward.TcpipForwardRequests;
import java.util.List;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.global.NoMoreSessionsHandler;

/**
 * Makes the SSH server a forwarder and nothing else: only {@code direct-tcpip} channels exist (no
 * session channel, hence no shell, exec, sftp or subsystem), no agent or X11 forwarding. Remote forwards
 * ({@code tcpip-forward}) are served by {@code remote} where {@code rules} let them listen.
 */
public final class ForwardOnlyPolicy {

    private ForwardOnlyPolicy() {
    }

    public static void apply(SshServer sshd, ChannelFactory directTcpip, ForwardingRules rules, RemoteListen remote) {
        sshd.setChannelFactories(List.of(directTcpip));
        sshd.setShellFactory(null);
        sshd.setCommandFactory(null);
        sshd.setSubsystemFactories(List.of());
        sshd.setForwardingFilter(ForwardingRules.filter(rules));
        List<RequestHandler<ConnectionService>> global = List.of(KeepAliveHandler.INSTANCE,
                NoMoreSessionsHandler.INSTANCE, new TcpipForwardRequests(remote));
        sshd.setGlobalRequestHandlers(global);
    }
}
