package dev.alknet.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.junit.jupiter.api.Test;

/** authorized_keys lines as OpenSSH writes them, parsed by MINA, read by {@link KeyOptions}. */
class KeyOptionsTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOe0C+SEXpdKLDG9UF3qZfbPYVZyUXITBOWBDrvx3BlJ";

    private static KeyOptions options(String prefix) {
        AuthorizedKeyEntry e = AuthorizedKeyEntry.parseAuthorizedKeyEntry(prefix + " " + KEY + " laptop");
        return KeyOptions.of(e.getLoginOptions());
    }

    @Test
    void plainKeyMayForwardAnywhere() {
        KeyOptions o = options("");
        assertTrue(o.portForwarding());
        assertTrue(o.permitsOpen("anything", 1));
        assertTrue(o.permitsListen("localhost", 8080));
        assertNull(o.from());
        assertFalse(o.certAuthority());
    }

    @Test
    void repeatedPermitopenWithPortWildcard() {
        KeyOptions o = options("permitopen=\"db.internal:5432\",permitopen=\"127.0.0.1:*\",permitopen=\"[::1]:80\"");
        assertEquals(3, o.permitOpen().size());
        assertTrue(o.permitsOpen("db.internal", 5432));
        assertTrue(o.permitsOpen("DB.INTERNAL", 5432), "host compared case-insensitively");
        assertFalse(o.permitsOpen("db.internal", 5433));
        assertTrue(o.permitsOpen("127.0.0.1", 1));
        assertTrue(o.permitsOpen("::1", 80));
        assertTrue(o.permitsOpen("[::1]", 80));
        assertFalse(o.permitsOpen("localhost", 80), "no lookups, no patterns: literal names only");
        assertTrue(o.namesOpen("db.internal", 5432));
    }

    @Test
    void permitlistenWithAndWithoutHost() {
        KeyOptions o = options("permitlisten=\"8080\",permitlisten=\"localhost:9000\"");
        assertTrue(o.permitsListen("127.0.0.1", 8080));
        assertTrue(o.permitsListen("localhost", 9000));
        assertFalse(o.permitsListen("127.0.0.1", 9000));
        assertFalse(o.permitsListen("localhost", 9001));
    }

    @Test
    void privilegedListenPortsMustBeNamed() {
        KeyOptions o = options("permitlisten=\"80\",permitlisten=\"localhost:443\",permitlisten=\"*\"");
        assertTrue(o.namesListenPort("localhost", 80));
        assertTrue(o.namesListenPort("localhost", 443));
        assertFalse(o.namesListenPort("127.0.0.1", 443), "named for another host");
        assertFalse(o.namesListenPort("localhost", 22), "a '*' port names no port");
        assertFalse(options("").namesListenPort("localhost", 80), "no permitlisten names nothing");
    }

    @Test
    void restrictAndForwardingSwitches() {
        assertFalse(options("restrict").portForwarding());
        assertFalse(options("no-port-forwarding").portForwarding());
        assertTrue(options("restrict,port-forwarding").portForwarding(), "port-forwarding re-enables after restrict");
        assertTrue(options("restrict,port-forwarding,permitopen=\"h:1\"").permitsOpen("h", 1));
        assertTrue(options("no-pty,command=\"/bin/false\"").portForwarding(), "shell options are ignored");
    }

    @Test
    void fromListAndCertAuthority() throws Exception {
        KeyOptions o = options("cert-authority,principals=\"alknet,ops\",from=\"10.0.0.0/8,!10.9.0.0/16\"");
        assertTrue(o.certAuthority());
        assertEquals(List.of("alknet", "ops"), o.principals());
        assertTrue(o.from().matches(InetAddress.getByName("10.1.1.1")));
        assertFalse(o.from().matches(InetAddress.getByName("10.9.1.1")));
        assertFalse(o.from().matches(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void badOptionValuesAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> options("permitopen=\"nohostport\""));
        assertThrows(IllegalArgumentException.class, () -> options("permitopen=\"h:99999\""));
        assertThrows(IllegalArgumentException.class, () -> options("from=\"10.0.0.0/99\""));
    }
}
