package dev.alknet.core.hostkeys;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OpenSSH's known_hosts host matching, in time linear enough for any line a file can hold. */
class KnownHostMatchTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB8Vh7n5nKrA3QnEJrQzNq0HcFzLhFqZ2v4bXx3lqkL0";

    @Test
    void openSshSemantics() {
        assertTrue(KnownHostMatch.matches("example.com", "Example.COM", 22));
        assertTrue(KnownHostMatch.matches("other,example.com", "example.com", 22));
        assertFalse(KnownHostMatch.matches("example.com", "example.com", 2222));
        assertTrue(KnownHostMatch.matches("[example.com]:2222", "example.com", 2222));
        assertTrue(KnownHostMatch.matches("*.example.com", "a.b.example.com", 22));
        assertTrue(KnownHostMatch.matches("10.0.0.?", "10.0.0.7", 22));
        assertFalse(KnownHostMatch.matches("10.0.0.?", "10.0.0.17", 22));
        assertFalse(KnownHostMatch.matches("*.example.com,!bad.example.com", "bad.example.com", 22));
        assertTrue(KnownHostMatch.matches("[*]:2222", "h", 2222));
        assertFalse(KnownHostMatch.matches("!example.com", "example.com", 22));
    }

    /** A marker line's host patterns are its second field. */
    @Test
    void markedLinesMatchOnTheirHostField() {
        KnownHostEntry revoked = KnownHostEntry.parseKnownHostEntry("@revoked [h]:2222,other " + KEY);
        assertTrue(KnownHostMatch.matches(revoked, "h", 2222));
        assertTrue(KnownHostMatch.matches(revoked, "other", 22));
        assertFalse(KnownHostMatch.matches(revoked, "h", 22));
        assertTrue(KnownHostMatch.matches(KnownHostEntry.parseKnownHostEntry("@revoked * " + KEY), "h", 443),
                "* matches [h]:443 too, as in OpenSSH");
    }

    /** Regression (fuzzing): 80 wildcards made MINA's regex backtrack for hours; each connect hung. */
    @Test
    @Timeout(10)
    void manyWildcardsDoNotHang() {
        String stars = "*".repeat(80) + "::om519";
        KnownHostEntry e = KnownHostEntry.parseKnownHostEntry(stars + ",10.om " + KEY);
        assertFalse(KnownHostMatch.matches(e, "example.com", 22));
        assertFalse(KnownHostMatch.matches("*a".repeat(60) + "b", "a".repeat(200), 22));
        assertTrue(KnownHostMatch.matches(e, "x::om519", 22));
    }
}
