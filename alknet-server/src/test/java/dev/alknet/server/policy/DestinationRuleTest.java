package dev.alknet.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class DestinationRuleTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s); // literals only: never a lookup
    }

    private static boolean yes(String rule, String name, String address, int port) throws Exception {
        return DestinationRule.parse(rule).match(name, address == null ? null : ip(address), port, false) == Match.YES;
    }

    @Test
    void cidrMatchesResolvedAddressNotTheName() throws Exception {
        assertTrue(yes("127.0.0.0/8", "sneaky.example", "127.0.0.53", 80), "a name resolving into the block");
        assertFalse(yes("127.0.0.0/8", "sneaky.example", null, 80), "unresolved: the name alone cannot match");
        assertFalse(yes("127.0.0.0/8", "x", "128.0.0.1", 80));
        assertTrue(yes("fe80::/10", "x", "fe80::1", 80));
        assertTrue(yes("[2001:db8::/32]:443", "x", "2001:db8::5", 443));
        assertFalse(yes("[2001:db8::/32]:443", "x", "2001:db8::5", 80));
        assertTrue(yes("::1", "x", "::1", 1), "a bare IPv6 literal is a host, not host:port");
    }

    @Test
    void maybeOnlyWhileTheAddressIsUnknownAndComesLater() {
        DestinationRule r = DestinationRule.parse("10.0.0.0/8");
        assertEquals(Match.MAYBE, r.match("intranet", null, 80, true));
        assertEquals(Match.NO, r.match("intranet", null, 80, false));
        assertEquals(Match.NO, DestinationRule.parse("*.corp").match("intranet", null, 80, true));
    }

    @Test
    void portsAndRanges() throws Exception {
        assertTrue(yes("example.com:443", "example.com", null, 443));
        assertFalse(yes("example.com:443", "example.com", null, 80));
        assertTrue(yes("*:8000-8099", "a.b", null, 8050));
        assertFalse(yes("*:8000-8099", "a.b", null, 8100));
        assertTrue(yes(":25", "mail.example", null, 25));
        assertTrue(yes("host:*", "HOST", null, 9));
        assertTrue(yes("10.0.0.0/8:22", "x", "10.1.2.3", 22));
        assertFalse(yes("10.0.0.0/8:22", "x", "10.1.2.3", 23));
    }

    @Test
    void wildcardNamesAndAddressText() throws Exception {
        assertTrue(yes("*.example.com", "www.Example.COM", null, 1));
        assertTrue(yes("*.example.com", "www.example.com.", null, 1), "trailing dot");
        assertFalse(yes("*.example.com", "example.com", null, 1));
        assertTrue(yes("192.168.1.*", "printer", "192.168.1.7", 1));
        assertTrue(yes("db?.corp", "db1.corp", null, 1));
    }

    @Test
    void addressClasses() throws Exception {
        assertTrue(yes("loopback", "localhost", null, 1), "the name localhost is loopback");
        assertTrue(yes("loopback", "foo.localhost", null, 1));
        assertTrue(yes("loopback", "x", "127.9.9.9", 1));
        assertTrue(yes("loopback", "x", "::1", 1));
        assertTrue(yes("link-local", "x", "169.254.169.254", 80), "cloud metadata");
        assertTrue(yes("private", "x", "172.20.0.1", 1));
        assertTrue(yes("private", "x", "100.64.0.1", 1));
        assertFalse(yes("private", "x", "172.32.0.1", 1));
        assertTrue(yes("self", "x", "0.0.0.0", 1));
        assertTrue(yes("self", "x", "::", 1));
        assertTrue(yes("multicast:5353", "x", "224.0.0.251", 5353));
    }

    @Test
    void mistakesAreOneLineErrors() {
        for (String bad : new String[] {"", "10.0.0.0/33", "1.2.3.4/x", "host:0", "host:70000", "host:9-1",
                "[::1", "a b", "host:x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DestinationRule.parse(bad),
                    bad);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
