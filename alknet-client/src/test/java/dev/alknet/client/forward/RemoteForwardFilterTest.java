package dev.alknet.client.forward;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.config.HostPort;
import dev.alknet.core.forward.ForwardedTcpipChannels;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter.Type;
import org.junit.jupiter.api.Test;

class RemoteForwardFilterTest {

    private final RemoteForwardFilter filter = RemoteForwardFilter.allowing(List.of(
            ForwardSpec.parse("8080:LocalHost:80"), ForwardSpec.parse("0:[::1]:22")));

    @Test
    void forwardedChannelsReachOnlyRegisteredTargets() {
        assertTrue(filter.test(new HostPort("localhost", 80)));
        assertTrue(filter.test(new HostPort("::1", 22)));
        assertFalse(filter.test(new HostPort("localhost", 81)));
        assertFalse(filter.test(new HostPort("10.0.0.1", 80)));
    }

    /** Installed on the client, the forwarded-tcpip channels are all it accepts: MINA's filter refuses the rest. */
    @Test
    void nothingElseIsAllowed() {
        SshClient client = SshClient.setUpDefaultClient();
        ForwardedTcpipChannels.acceptOn(client, filter);
        ForwardingFilter mina = client.getForwardingFilter();
        assertFalse(mina.canConnect(Type.Direct, new SshdSocketAddress("localhost", 80), null));
        assertFalse(mina.canListen(new SshdSocketAddress("localhost", 8080), null));
        assertFalse(mina.canForwardAgent(null, "auth-agent-req@openssh.com"));
        assertFalse(mina.canForwardX11(null, "x11-req"));
    }

    @Test
    void withoutRemoteForwardsEverythingIsRefused() {
        RemoteForwardFilter none = RemoteForwardFilter.allowing(List.of());
        assertFalse(none.test(new HostPort("localhost", 80)));
    }
}
