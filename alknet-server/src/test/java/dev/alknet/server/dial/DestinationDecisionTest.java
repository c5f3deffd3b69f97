package dev.alknet.server.dial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.server.dial.DestinationDecision.Kind;
import dev.alknet.server.dial.DestinationDecision.Verdict;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DestinationDecisionTest {

    private static final DestinationDecision OPEN = new DestinationDecision(DestinationPolicy.ALLOW_ALL);

    @Test
    void thePortIsCheckedFirstAndTheRulesNeverSeeABadOne() {
        AtomicInteger asked = new AtomicInteger();
        DestinationDecision d = new DestinationDecision((host, port, session) -> asked.incrementAndGet() > 0);
        for (long port : new long[] {0, 65536, 4294967295L}) {
            Verdict v = d.open(null, Kind.DIRECT_TCPIP, "example.com", port);
            assertEquals(DialFailure.OTHER, v.denial().failure());
            assertEquals("invalid port " + port, v.denial().reason());
        }
        assertEquals(0, asked.get());
    }

    @Test
    void rulesComeBeforeTheHostForm() {
        DestinationDecision denyAll = new DestinationDecision((host, port, session) -> false);
        assertEquals(DialFailure.FORBIDDEN, denyAll.open(null, Kind.UDP, "a b", 80).denial().failure());
        assertEquals(DialFailure.FORBIDDEN, denyAll.open(null, Kind.UDP, "alknet-x", 80).denial().failure());
        assertEquals(DialFailure.UNKNOWN_HOST, OPEN.open(null, Kind.UDP, "a b", 80).denial().failure());
        assertEquals(DialFailure.UNKNOWN_HOST, OPEN.open(null, Kind.DIRECT_TCPIP, "", 80).denial().failure());
        assertEquals("unknown host alknet-x (reserved name, not resolved)",
                OPEN.open(null, Kind.DIRECT_TCPIP, "alknet-x", 80).denial().reason());
    }

    @Test
    void aThrowingPolicyDenies() {
        DestinationPolicy broken = new DestinationPolicy() {
            @Override
            public boolean allowed(String host, int port, dev.alknet.core.ssh.SshSession session) {
                if (host.equals("boom")) {
                    throw new IllegalStateException("broken rule");
                }
                return true;
            }

            @Override
            public boolean allowedAddress(String host, int port, InetAddress address,
                    dev.alknet.core.ssh.SshSession session) {
                throw new IllegalStateException("broken rule");
            }
        };
        DestinationDecision d = new DestinationDecision(broken);
        assertEquals(DialFailure.FORBIDDEN, d.open(null, Kind.DIRECT_TCPIP, "boom", 80).denial().failure());
        Verdict v = d.open(null, Kind.DIRECT_TCPIP, "127.1", 80);
        assertTrue(v.allowed());
        assertFalse(d.allowsAddress(null, v.target(), v.target().parsed().address()));
    }

    @Test
    void anAllowedTargetIsParsedOnce() throws Exception {
        Verdict v = OPEN.open(null, Kind.DIRECT_TCPIP, "0x7f.1", 443);
        assertTrue(v.allowed());
        assertTrue(v.target().isAddress());
        assertEquals(InetAddress.getByName("127.0.0.1"), v.target().parsed().address());
        assertEquals("0x7f.1", v.target().host());
        assertEquals(443, v.target().port());
    }
}
