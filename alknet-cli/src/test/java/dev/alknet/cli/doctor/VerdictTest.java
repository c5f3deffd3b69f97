package dev.alknet.cli.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictTest {

    @Test
    void linesAndExitCode() {
        Verdict ok = Verdict.ok("tls", "server reachable (38 ms)");
        assertEquals("ok    tls     server reachable (38 ms)", ok.line());
        Verdict quic = ReachabilityCheck.explain("quic", "10.0.0.1:443", "timed out");
        assertTrue(quic.line().startsWith("FAIL  quic    UDP to 10.0.0.1:443 blocked"), quic.line());
        assertTrue(quic.line().endsWith("use tls:// or open UDP 443"), quic.line());
        assertEquals(0, DoctorRunner.exitCode(List.of(ok, Verdict.skip("dns", "no alknet-tun"))));
        assertEquals(1, DoctorRunner.exitCode(List.of(ok, quic)));
    }

    @Test
    void hostKeyFailureNamesKnownHosts() {
        Verdict v = ReachabilityCheck.explain("tls", "h:443", "host key for h not in known_hosts");
        assertTrue(v.fix().contains("known_hosts"), v.fix());
    }
}
