package dev.alknet.server;

import dev.alknet.testkit.MinaBoundaryCheck;
import java.util.Map;

/**
 * MINA SSHD belongs to alknet-core (docs/architecture.md): main code of this module imports no
 * {@code org.apache.sshd} except in the files listed here, each with the reason it still does. The list may only
 * shrink: a new file that imports MINA fails this test, and so does a listed file that no longer needs to be listed.
 */
class MinaBoundaryTest extends MinaBoundaryCheck {

    /** Files (relative to src/main/java) still importing MINA, and why. */
    private static final Map<String, String> ALLOWED = Map.ofEntries(
            Map.entry("dev/alknet/server/AlknetServer.java", "builds and configures MINA's SshServer"),
            Map.entry("dev/alknet/server/ChannelLimit.java", "a MINA ChannelFactory wrapper and server channel (to move into core)"),
            Map.entry("dev/alknet/server/InitialWindows.java", "sets a MINA channel's window property (moves with ChannelLimit)"),
            Map.entry("dev/alknet/server/CountingAuthenticator.java", "a MINA PublickeyAuthenticator"),
            Map.entry("dev/alknet/server/ForwardOnlyPolicy.java", "MINA channel/request handler configuration"),
            Map.entry("dev/alknet/server/LoggedIn.java", "a MINA SessionListener"),
            Map.entry("dev/alknet/server/OpenFailure.java", "writes SSH_MSG_CHANNEL_OPEN_FAILURE through MINA (to move into core)"),
            Map.entry("dev/alknet/server/dial/DestinationPolicy.java", "policy seam still takes MINA's Session"),
            Map.entry("dev/alknet/server/dial/DestinationDecision.java", "takes MINA's Session, as the policy seam does"),
            Map.entry("dev/alknet/server/dial/DestinationSocket.java", "a MINA Closeable, part of the dialed channel's close"),
            Map.entry("dev/alknet/server/dial/DialedTcpipChannel.java", "a MINA server channel (to move into core behind a dial seam)"),
            Map.entry("dev/alknet/server/dial/DirectTcpipChannelFactory.java", "a MINA ChannelFactory"),
            Map.entry("dev/alknet/server/forward/RemoteListeners.java", "-R runs on MINA's forwarder"),
            Map.entry("dev/alknet/server/forward/ServerForwardingFilter.java", "a MINA TcpForwardingFilter"),
            Map.entry("dev/alknet/server/keepalive/ClientAliveChecker.java", "a MINA SessionListener on SshServer"),
            Map.entry("dev/alknet/server/policy/AccessPolicy.java", "policy seam still takes MINA's Session"),
            Map.entry("dev/alknet/server/policy/KeyAuthenticator.java", "a MINA PublickeyAuthenticator"),
            Map.entry("dev/alknet/server/policy/KeyGrant.java", "stored as a MINA session attribute"),
            Map.entry("dev/alknet/server/udp/DatagramSender.java", "writes to a MINA channel stream"),
            Map.entry("dev/alknet/server/udp/UdpChannelFactory.java", "a MINA ChannelFactory"),
            Map.entry("dev/alknet/server/udp/UdpRelayChannel.java", "a MINA server channel (to move into core)"));

    @Override
    protected Map<String, String> allowed() {
        return ALLOWED;
    }
}
