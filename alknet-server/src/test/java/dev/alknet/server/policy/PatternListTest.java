package dev.alknet.server.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** from="..." lists, as sshd(8) PATTERNS: wildcards, CIDR, negation. */
class PatternListTest {

    private static boolean from(String list, String address) throws Exception {
        return PatternList.parse(list).matches(InetAddress.getByName(address));
    }

    @Test
    void positiveEntries() throws Exception {
        assertTrue(from("203.0.113.5", "203.0.113.5"));
        assertFalse(from("203.0.113.5", "203.0.113.6"));
        assertTrue(from("10.0.0.0/8,192.168.1.*", "192.168.1.20"));
        assertTrue(from("10.0.0.0/8,192.168.1.*", "10.200.0.1"));
        assertFalse(from("10.0.0.0/8,192.168.1.*", "192.168.2.20"));
        assertTrue(from("2001:db8::/32", "2001:db8::1"));
    }

    @Test
    void negationWinsWhateverTheOrder() throws Exception {
        assertFalse(from("10.0.0.0/8,!10.1.0.0/16", "10.1.2.3"));
        assertFalse(from("!10.1.0.0/16,10.0.0.0/8", "10.1.2.3"));
        assertTrue(from("!10.1.0.0/16,10.0.0.0/8", "10.2.0.1"));
        assertFalse(from("!10.1.0.0/16", "10.2.0.1"), "only negations: nothing positive matched");
    }

    @Test
    void namePatternsNeverMatchWithoutReverseDns() throws Exception {
        assertFalse(from("*.example.com", "203.0.113.5"));
        assertTrue(from("*", "203.0.113.5"));
    }

    @Test
    void wildcard() {
        assertTrue(Wildcard.matches("a*c", "abbbc"));
        assertTrue(Wildcard.matches("*", ""));
        assertFalse(Wildcard.matches("a?c", "ac"));
        assertTrue(Wildcard.matches("A?C", "abc"));
    }
}
