package dev.alknet.client.forward;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter.Type;
import org.junit.jupiter.api.Test;

class RemoteForwardFilterTest {

    private final ForwardingFilter filter = RemoteForwardFilter.allowing(List.of(
            ForwardSpec.parse("8080:LocalHost:80"), ForwardSpec.parse("0:[::1]:22")));

    @Test
    void forwardedChannelsReachOnlyRegisteredTargets() {
        assertTrue(filter.canConnect(Type.Forwarded, new SshdSocketAddress("localhost", 80), null));
        assertTrue(filter.canConnect(Type.Forwarded, new SshdSocketAddress("::1", 22), null));
        assertFalse(filter.canConnect(Type.Forwarded, new SshdSocketAddress("localhost", 81), null));
        assertFalse(filter.canConnect(Type.Forwarded, new SshdSocketAddress("10.0.0.1", 80), null));
    }

    @Test
    void nothingElseIsAllowed() {
        assertFalse(filter.canConnect(Type.Direct, new SshdSocketAddress("localhost", 80), null));
        assertFalse(filter.canListen(new SshdSocketAddress("localhost", 8080), null));
        assertFalse(filter.canForwardAgent(null, "auth-agent-req@openssh.com"));
        assertFalse(filter.canForwardX11(null, "x11-req"));
    }

    @Test
    void withoutRemoteForwardsEverythingIsRefused() {
        ForwardingFilter none = RemoteForwardFilter.allowing(List.of());
        assertFalse(none.canConnect(Type.Forwarded, new SshdSocketAddress("localhost", 80), null));
    }
}
