package dev.alknet.cli.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DoctorParsingTest {

    @Test
    void routeGetWithLearnedMtu() {
        RouteLookup.Route r = RouteLookup.parse("10.77.2.2 via 10.77.1.1 dev c0 src 10.77.1.2 uid 0 \n"
                + "    cache expires 598sec mtu 1200 \n");
        assertEquals("c0", r.dev());
        assertEquals(1200, r.mtu());
        assertFalse(r.blocked());
        assertEquals(1400, RouteLookup.parse("10.0.0.1 dev eth0 src 10.0.0.2 uid 0 \n cache mtu lock 1400").mtu());
    }

    @Test
    void routeGetRefusals() {
        assertTrue(RouteLookup.parse("RTNETLINK answers: Network is unreachable").blocked());
        RouteLookup.Route u = RouteLookup.parse("unreachable 2001:4860:4860::8888 from :: dev lo table 5210 proto boot"
                + " src ::1 metric 4000000000 pref medium");
        assertTrue(u.blocked());
        assertNull(u.dev());
        assertEquals("alktun0", RouteLookup.parse("2001:4860:4860::8888 from :: dev alktun0 table 5210 src fd18::1"
                + " metric 1024 pref medium").dev());
    }

    @Test
    void resolvConfNameservers() {
        assertEquals(List.of("10.0.0.53", "fe80::1", "1.1.1.1"), DnsLeakCheck.nameservers(
                "# generated\nsearch lan\nnameserver 10.0.0.53\nnameserver fe80::1%eth0\n  nameserver\t1.1.1.1\n"
                        + "nameserver 10.0.0.53\nnameserver bogus;rm\noptions edns0\n"));
    }

    @Test
    void dnsAndIpv6AndLoopVerdicts() {
        RouteLookup.Route out = RouteLookup.parse("10.77.2.53 via 10.77.1.1 dev c0 src 10.77.1.2 uid 0");
        RouteLookup.Route in = RouteLookup.parse("10.77.2.54 dev alktun0 table 5210 src 198.18.0.1 uid 0");
        Verdict leak = DnsLeakCheck.judge("10.77.2.53", "/etc/resolv.conf", "alktun0", out);
        assertEquals(Verdict.Status.FAIL, leak.status());
        assertTrue(leak.detail().startsWith("DNS leak: queries to resolver 10.77.2.53"), leak.detail());
        assertEquals(Verdict.Status.OK, DnsLeakCheck.judge("10.77.2.54", "x", "alktun0", in).status());
        assertEquals(Verdict.Status.FAIL, Ipv6LeakCheck.judge("alktun0",
                RouteLookup.parse("2001:4860:4860::8888 via fe80::1 dev eth0 src 2001:db8::2 metric 1024")).status());
        assertEquals(Verdict.Status.OK, Ipv6LeakCheck.judge("alktun0",
                RouteLookup.parse("RTNETLINK answers: Network is unreachable")).status());
        Verdict loop = RouteLoopCheck.judge("vps", "10.77.2.2", "tcp", 443, "alktun0", in);
        assertEquals(Verdict.Status.FAIL, loop.status());
        assertTrue(loop.fix().contains("--server vps"), loop.fix());
        assertEquals(Verdict.Status.OK, RouteLoopCheck.judge("vps", "10.77.2.2", "tcp", 443, "alktun0", out).status());
    }

    @Test
    void clockFromHttpDate() {
        String head = "HTTP/1.1 404 Not Found\r\nServer: nginx\r\nDate: Mon, 07 Dec 2026 21:26:54 GMT\r\n"
                + "Content-Type: text/html";
        String date = ClockCheck.dateHeader(head);
        assertEquals("Mon, 07 Dec 2026 21:26:54 GMT", date);
        long server = java.time.Instant.parse("2026-12-07T21:26:54.500Z").toEpochMilli();
        assertEquals(Verdict.Status.OK, ClockCheck.judge("tls://s", date, server - 100, server + 100).status());
        Verdict ahead = ClockCheck.judge("tls://s", date, server + 200_000, server + 200_100);
        assertEquals(Verdict.Status.FAIL, ahead.status());
        assertTrue(ahead.detail().contains("200 s ahead of tls://s"), ahead.detail());
        assertEquals(Verdict.Status.WARN, ClockCheck.judge("tls://s", date, server - 60_000, server - 60_000).status());
        assertNull(ClockCheck.dateHeader("SSH-2.0-alknet\r\n"));
        assertEquals(Verdict.Status.SKIP, ClockCheck.judge("tls://s", "yesterday", 0, 0).status());
    }

    @Test
    void mtuVerdicts() {
        Verdict low = MtuCheck.judge("10.77.2.2", "c0", 1500, 1200, true);
        assertEquals(Verdict.Status.FAIL, low.status());
        assertTrue(low.detail().startsWith("path MTU to 10.77.2.2 is 1200"), low.detail());
        assertEquals(Verdict.Status.OK, MtuCheck.judge("10.77.2.2", "c0", 1500, 1200, false).status());
        assertEquals(Verdict.Status.OK, MtuCheck.judge("10.77.2.2", "c0", 1500, 1400, true).status());
        assertEquals(Verdict.Status.FAIL, MtuCheck.judge("2001:db8::1", "c0", 1500, 1240, true).status());
    }

    @Test
    void knownHostsFingerprintAsSshKeygen() {
        // what ssh-keygen -l prints for this key
        String line = "[h]:443 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL50g0e7OwwNzv2DmbK+w77uqA1JZnma2Bg5B30DHeB7";
        assertEquals("SHA256:f4M/DL+Xoh3+TNtn5KNsFB/t4FADGAJEyv73lNHVG5I", HostKeyCheck.fingerprint(line));
        assertEquals("(unreadable key)", HostKeyCheck.fingerprint("[h]:443 ssh-ed25519"));
    }
}
