package dev.alknet.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /** The linear matcher agrees with a plain translation to a regular expression on every small case tried. */
    @Test
    void wildcardAgreesWithARegularExpression() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            String p = random(r, "aB.*?", 7);
            String t = random(r, "Ab.", 9);
            StringBuilder regex = new StringBuilder("(?i)");
            for (char c : p.toCharArray()) {
                regex.append(c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
            }
            assertEquals(t.matches(regex.toString()), Wildcard.matches(p, t), p + " / " + t);
        }
    }

    /** A client picks the name: a rule with many stars must not backtrack over it (this took minutes before). */
    @Test
    void manyStarsOnALongNameAnswerAtOnce() {
        assertFalse(Wildcard.matches("*.".repeat(12) + "corp", "a.".repeat(120) + "example.com"));
        assertTrue(Wildcard.matches("*.".repeat(12) + "com", "a.".repeat(120) + "example.com"));
    }

    private static String random(java.util.SplittableRandom r, String alphabet, int maxLength) {
        StringBuilder b = new StringBuilder();
        for (int n = r.nextInt(maxLength + 1); n > 0; n--) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
