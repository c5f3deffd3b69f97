package dev.alknet.server;

import dev.alknet.testkit.MinaBoundaryCheck;
import java.util.Map;

/**
 * MINA SSHD belongs to alknet-core (docs/architecture.md): main code of this module imports no
 * {@code org.apache.sshd} except in the files listed here, each with the reason it still does. The list may only
 * shrink: a new file that imports MINA fails this test, and so does a listed file that no longer needs to be listed.
 */
class MinaBoundaryTest extends MinaBoundaryCheck {

    /** Files (relative to src/main/java) still importing MINA, and why (docs/adr/0021 names them). */
    private static final Map<String, String> ALLOWED = Map.of(
            "dev/alknet/server/AlknetServer.java",
            "assembles MINA's SshServer; start(options, ChannelFactory) takes a MINA channel factory (ADR 0021)",
            "dev/alknet/server/policy/KeyAuthenticator.java",
            "the login policy reads authorized_keys and certificates with MINA's key parsers (ADR 0021)");

    @Override
    protected Map<String, String> allowed() {
        return ALLOWED;
    }
}
