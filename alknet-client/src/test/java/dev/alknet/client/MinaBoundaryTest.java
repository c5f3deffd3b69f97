package dev.alknet.client;

import dev.alknet.testkit.MinaBoundaryCheck;
import java.util.Map;

/**
 * MINA SSHD belongs to alknet-core (docs/architecture.md): main code of this module imports no
 * {@code org.apache.sshd} except in the files listed here, each with the reason it still does. The list may only
 * shrink: a new file that imports MINA fails this test, and so does a listed file that no longer needs to be listed.
 */
class MinaBoundaryTest extends MinaBoundaryCheck {

    /** Files (relative to src/main/java) still importing MINA, and why. */
    private static final Map<String, String> ALLOWED = Map.of(
            "dev/alknet/client/SessionConnector.java", "session seam still hands out MINA's ClientSession",
            "dev/alknet/client/SessionTracker.java", "session seam still hands out MINA's ClientSession",
            "dev/alknet/client/TunnelSupervisor.java", "session seam still hands out MINA's ClientSession",
            "dev/alknet/client/TunnelConnector.java", "builds and configures MINA's SshClient (to move into core)",
            "dev/alknet/client/failover/FailoverConnector.java", "probes a MINA session's open channels",
            "dev/alknet/client/forward/RemoteForwarder.java", "-R runs on MINA's startRemotePortForwarding",
            "dev/alknet/client/forward/RemoteForwardFilter.java", "-R runs on MINA's TcpForwardingFilter",
            "dev/alknet/client/socks/SocksReplyMapper.java", "maps MINA's SshChannelOpenException reason codes");

    @Override
    protected Map<String, String> allowed() {
        return ALLOWED;
    }
}
