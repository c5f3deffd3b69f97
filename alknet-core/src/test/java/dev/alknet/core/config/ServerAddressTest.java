package dev.alknet.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Addresses with the ws/wss path; the other schemes keep refusing one. */
class ServerAddressTest {

    @Test
    void wsAddressesCarryTheirPath() {
        ServerAddress a = ServerAddress.parse("wss://bob@example.com/assets/socket", false);
        assertEquals("wss", a.scheme());
        assertEquals("bob", a.user());
        assertEquals("example.com", a.host());
        assertEquals(443, a.port());
        assertEquals("/assets/socket", a.path());
        assertEquals("wss://bob@example.com:443/assets/socket", a.toString());
        assertEquals(a, ServerAddress.parse(a.toString(), false));

        ServerAddress l = ServerAddress.parse("ws://127.0.0.1:8080/assets/socket", true);
        assertEquals(8080, l.port());
        assertEquals("/assets/socket", l.path());
        assertEquals(80, ServerAddress.parse("ws://h", false).port());
        assertEquals("/", ServerAddress.parse("ws://[::1]:9/", false).path());
    }

    @Test
    void otherSchemesTakeNoPath() {
        assertNull(ServerAddress.parse("tls://h:443/", false).path());
        String why = assertThrows(IllegalArgumentException.class,
                () -> ServerAddress.parse("tls://h:443/x", false)).getMessage();
        assertTrue(why.contains("only ws and wss addresses take a path"), why);
    }

    @Test
    void aPathThatCannotStandInARequestLineIsRefused() {
        for (String bad : new String[] {"ws://h/a b", "ws://h/a#b", "ws://h/\u00e9"}) {
            assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(bad, false), bad);
        }
    }
}
