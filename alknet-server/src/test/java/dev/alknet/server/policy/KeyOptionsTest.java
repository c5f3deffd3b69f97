package dev.alknet.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
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

    /** sshd refuses a line with an option it does not know; so do we, naming it. */
    @Test
    void unknownMisspelledAndUnimplementedOptionsRefuseTheLine() {
        for (String bad : List.of("no-port-fowarding", "permit-open=\"h:1\"", "!restrict", "verify-required",
                "no-touch-required", "restrict,frm=\"10.0.0.0/8\"")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> options(bad), bad);
            assertTrue(e.getMessage().contains("option '"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options("no-port-fowarding")).getMessage()
                .contains("'no-port-fowarding'"));
        // About sessions, agent, X11, pty, tun: nothing a forward-only server has, accepted.
        assertTrue(options("no-agent-forwarding,no-X11-forwarding,no-pty,no-user-rc,environment=\"A=b\","
                + "tunnel=\"1\",pty,user-rc,agent-forwarding,x11-forwarding").portForwarding());
        assertTrue(options("NO-PORT-FORWARDING") != null && !options("NO-PORT-FORWARDING").portForwarding(),
                "names are case-insensitive, as in sshd");
    }

    @Test
    void expiryTimeAsSshdReadsIt() {
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"), options("expiry-time=\"20200101Z\"").expiry());
        assertEquals(Instant.parse("2030-06-15T12:30:00Z"), options("expiry-time=\"203006151230Z\"").expiry());
        assertEquals(Instant.parse("2030-06-15T12:30:45Z"), options("expiry-time=\"20300615123045z\"").expiry());
        assertEquals(LocalDate.of(2030, 6, 15).atStartOfDay(ZoneId.systemDefault()).toInstant(),
                options("expiry-time=\"20300615\"").expiry(), "local time without Z");
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"),
                options("expiry-time=\"20300101Z\",expiry-time=\"20200101Z\"").expiry(), "the earliest counts");
        KeyOptions past = options("expiry-time=\"20200101Z\"");
        assertTrue(past.expiredAt(Instant.now()));
        assertFalse(past.expiredAt(Instant.parse("2020-01-01T00:00:00Z")), "valid up to and including the time");
        assertFalse(options("expiry-time=\"29991231Z\"").expiredAt(Instant.now()));
        assertFalse(options("").expiredAt(Instant.now()));
        for (String bad : List.of("2020", "20201301Z", "20200230", "202001011260", "yesterday", "")) {
            assertThrows(IllegalArgumentException.class, () -> options("expiry-time=\"" + bad + "\""), bad);
        }
    }
}
