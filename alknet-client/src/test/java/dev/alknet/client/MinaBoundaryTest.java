package dev.alknet.client;

import dev.alknet.testkit.MinaBoundaryCheck;
import java.util.Map;

/**
 * MINA SSHD belongs to alknet-core (docs/architecture.md): main code of this module imports no
 * {@code org.apache.sshd} except in the files listed here, each with the reason it still does. The list may only
 * shrink: a new file that imports MINA fails this test, and so does a listed file that no longer needs to be listed.
 */
class MinaBoundaryTest extends MinaBoundaryCheck {

    /** Files (relative to src/main/java) still importing MINA, and why: none (docs/adr/0021). */
    private static final Map<String, String> ALLOWED = Map.of();

    @Override
    protected Map<String, String> allowed() {
        return ALLOWED;
    }
}
