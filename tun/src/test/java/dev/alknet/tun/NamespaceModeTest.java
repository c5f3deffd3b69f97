package dev.alknet.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.testkit.Await;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Namespace mode end to end, as root: alknet-tun runs in a test namespace NEAR (the "machine", with a SOCKS server on
 * its loopback) and puts COMMAND in a fresh namespace; the destinations live in FAR (see {@link Topo}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NamespaceModeTest {

    private static Topo topo;
    private static SocksStub socks;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Netns.assumeRoot();
        topo = Topo.create("ns");
        socks = topo.near.call(() -> new SocksStub(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Map.of("web.test", Topo.DEST, "web6.test", Topo.DEST6), topo.near.threads("stub")));
        dir = Files.createTempDirectory("atun-ns-");
    }

    @AfterAll
    static void stop() throws Exception {
        if (socks != null) {
            socks.close();
        }
        if (topo != null) {
            topo.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Runs {@code alknet-tun [opts] -- sh -c script} in NEAR. */
    private static Sh.Result tun(List<String> opts, String script) throws Exception {
        List<String> args = new ArrayList<>(List.of("--socks", "127.0.0.1:" + socks.port()));
        args.addAll(opts);
        args.addAll(List.of("--", "sh", "-c", script));
        return Sh.run(topo.near.exec(Sh.helper(args.toArray(String[]::new)).toArray(String[]::new)), Map.of(),
                Duration.ofSeconds(50));
    }

    private static String probe(String... probes) {
        return String.join(" ", Sh.java("dev.alknet.tun.TunProbe", probes).stream().map(Sh::q).toList());
    }

    private static String url(String host, long size, long seed) {
        return Sh.q("http://" + host + ":" + topo.world.httpPort() + "/blob?size=" + size + "&seed=" + seed);
    }

    private static String curl(String flags, String host, long size, long seed, String out) {
        return "curl -gsS --max-time 40 " + flags + " -o " + dir.resolve(out) + " " + url(host, size, seed);
    }

    private static void sameBlob(String out, long size, long seed) throws Exception {
        Path p = dir.resolve(out);
        assertEquals(size, Files.size(p), out);
        assertEquals(World.Blob.sha256(size, seed), Files2.sha256(p), out);
        Files.delete(p);
    }

    @Test
    void curlIsByteExactByNameAndByAddressOverIpv4AndIpv6() throws Exception {
        long mib = 1 << 20;
        long big = 64L << 20; // 256 MiB runs in TunThroughAlknetTest, through real alknet
        String script = String.join(" && ",
                curl("", "web.test", mib, 1, "a"),
                curl("-4", "web.test", mib, 2, "b"),
                curl("-6", "web.test", mib, 3, "c"),
                curl("", Topo.DEST, mib, 4, "d"),
                curl("", "[" + Topo.DEST6 + "]", mib, 5, "e"),
                curl("", "web.test", 0, 6, "f"),
                curl("-w '%{speed_download}\\n'", "web.test", big, 7, "g"));
        Sh.Result r = tun(List.of("-v"), script);
        assertEquals(0, r.exit(), r.toString());
        sameBlob("a", mib, 1);
        sameBlob("b", mib, 2);
        sameBlob("c", mib, 3);
        sameBlob("d", mib, 4);
        sameBlob("e", mib, 5);
        sameBlob("f", 0, 6);
        sameBlob("g", big, 7);
        System.out.printf("64 MiB through alknet-tun: %.0f MB/s%n", Double.parseDouble(r.out().trim()) / 1e6);
        // names went to the SOCKS server as names (resolved there), addresses as addresses; never a fake IP
        assertTrue(socks.asked(3, "web.test"), socks.requests.toString());
        assertTrue(socks.asked(1, Topo.DEST), socks.requests.toString());
        assertTrue(socks.asked(4, InetAddress.getByName(Topo.DEST6).getHostAddress()), socks.requests.toString());
        assertFalse(socks.requests.stream().anyMatch(q -> q.host().startsWith("198.1") || q.host().startsWith("fd18")),
                socks.requests.toString());
        assertTrue(r.err().contains("dns answers"), r.err());
    }

    /** The measurement: the same download through the SOCKS port directly and through alknet-tun. */
    @Test
    void throughputComparedWithTheSocksPortDirectly() throws Exception {
        long size = 128L << 20;
        String speed = "-w '%{speed_download}\\n'";
        double direct = 0;
        double tunneled = 0;
        for (int round = 0; round < Integer.getInteger("atun.rounds", 1); round++) {
            Sh.Result d = Sh.run(topo.near.exec("sh", "-c", curl("--socks5-hostname 127.0.0.1:" + socks.port() + " "
                    + speed, "web.test", size, 21, "direct")), Map.of(), Duration.ofSeconds(40));
            assertEquals(0, d.exit(), d.toString());
            direct = Math.max(direct, Double.parseDouble(d.out().trim()));
            Sh.Result t = tun(List.of("--mtu", System.getProperty("atun.mtu", "9000")),
                    curl(speed, "web.test", size, 21, "tunneled"));
            assertEquals(0, t.exit(), t.toString());
            tunneled = Math.max(tunneled, Double.parseDouble(t.out().trim()));
        }
        sameBlob("direct", size, 21);
        sameBlob("tunneled", size, 21);
        System.out.printf("throughput, 128 MiB: SOCKS directly %.0f MB/s, through alknet-tun %.0f MB/s (%.2fx)%n", direct / 1e6,
                tunneled / 1e6, tunneled / direct);
    }

    @Test
    void namesGetFakeIpsAndNoDnsLeaves() throws Exception {
        int sunk = topo.world.sinkPackets.get();
        String script = "getent ahostsv4 web.test && getent ahostsv6 web.test && " + probe(
                "dns/" + Topo.DEST + "/web.test/1", "dns/" + Topo.DEST + "/web.test/28",
                "dns/" + Topo.DEST + "/web.test/15", "dns/" + Topo.DEST6 + "/other.test/1",
                "dns/192.0.2.53/web.test/16");
        Sh.Result r = tun(List.of(), script);
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        String v4 = lines.get(0).split("\\s+")[0];
        assertTrue(v4.startsWith("198.18.") || v4.startsWith("198.19."), r.out());
        String v6 = lines.stream().filter(l -> l.startsWith("fd18:a1c:0:1:")).findFirst().orElse("");
        assertFalse(v6.isEmpty(), r.out());
        assertTrue(r.out().contains("dns web.test 1 rcode=0 answers=1 " + v4), r.out());
        String v6Text = InetAddress.getByName(v6.split("\\s+")[0]).getHostAddress();
        assertTrue(r.out().contains("dns web.test 28 rcode=0 answers=1 " + v6Text), r.out());
        assertTrue(r.out().contains("dns web.test 15 rcode=0 answers=0"), "MX is NODATA: " + r.out());
        assertTrue(r.out().contains("dns other.test 1 rcode=0 answers=1 198.1"), r.out());
        assertTrue(r.out().contains("dns web.test 16 rcode=0 answers=0"), r.out());
        Await.never(() -> topo.world.sinkPackets.get() != sunk, Duration.ofMillis(200),
                () -> "a DNS query reached the real resolver");
    }

    @Test
    void otherUdpIsRefusedWithIcmpAndCounted() throws Exception {
        int sunk = topo.world.sinkPackets.get();
        Sh.Result r = tun(List.of("-v"), probe("udp/" + Topo.DEST + "/5353", "udp/" + Topo.DEST6 + "/5353",
                "udp/" + Topo.DEST + "/9"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals(3, r.out().lines().filter(l -> l.endsWith(" refused")).count(), r.toString());
        assertTrue(r.err().contains("udp refused 3 "), r.err());
        Await.never(() -> topo.world.sinkPackets.get() != sunk, Duration.ofMillis(200),
                () -> "a UDP datagram left outside the tunnel");
    }

    @Test
    void aRefusedPortOrUnknownNameGivesTheApplicationAReset() throws Exception {
        Sh.Result r = tun(List.of(), probe("connect/web.test/1", "connect/" + Topo.DEST + "/1",
                "connect/" + Topo.DEST6 + "/1", "connect/nowhere.test/80")
                + "; curl -sS --max-time 10 http://web.test:1/; echo curl=$?");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(4, r.out().lines().filter(l -> l.startsWith("connect ") && l.endsWith(" refused")).count(),
                r.toString());
        assertTrue(r.out().contains("curl=7"), r.toString());
        assertTrue(r.millis() < 20_000, r.toString());
    }

    @Test
    void halfCloseAndFiveHundredConcurrentConnections() throws Exception {
        int echo = topo.world.echoPort();
        Sh.Result r = tun(List.of(), probe("halfclose/web.test/" + echo + "/1000000",
                "halfclose/" + Topo.DEST6 + "/" + echo + "/100000", "concurrent/web.test/" + echo + "/500"));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("halfclose ok 1000000"), r.toString());
        assertTrue(r.out().contains("halfclose ok 100000"), r.toString());
        assertTrue(r.out().contains("concurrent ok 500"), r.toString());
    }

    @Test
    void exitCodeIsTheCommandsAndEverythingIsGoneAfterwards() throws Exception {
        String nearLinks = topo.near.ip("-o", "link", "show");
        String rootLinks = Sh.ok("ip", "-o", "link", "show").out();
        Sh.Result r = tun(List.of(), "readlink /proc/self/ns/net; ip -o link show | wc -l; sleep 300 & exit 7");
        assertEquals(7, r.exit(), r.toString());
        String netns = r.out().lines().findFirst().orElseThrow();
        assertTrue(netns.startsWith("net:["), r.out());
        assertEquals("2", r.out().lines().skip(1).findFirst().orElseThrow().trim(), "lo and the TUN only");
        assertTrue(NamespaceMode.processesIn(netns).isEmpty(), "the background sleep was left running");
        assertEquals(nearLinks, topo.near.ip("-o", "link", "show"));
        assertEquals(rootLinks, Sh.ok("ip", "-o", "link", "show").out());
        assertFalse(rootLinks.contains("alktun"));
        assertEquals(0, Sh.run("ip", "-n", topo.near.name, "route", "show", "table", "all").out().lines()
                .filter(l -> l.contains("alktun")).count());
    }

    @Test
    void sigtermAndSigkillOfTheHelperEndTheCommandAndTheNamespace() throws Exception {
        for (boolean kill : new boolean[] {false, true}) {
            Path out = dir.resolve("sig-" + kill);
            List<String> cmd = topo.near.exec(Sh.helper("--socks", "127.0.0.1:" + socks.port(), "--", "sh", "-c",
                    "readlink /proc/self/ns/net; exec sleep 300").toArray(String[]::new));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Sh.clean(pb.environment());
            Process p = pb.start();
            try {
                String netns = "";
                for (int i = 0; i < 300 && netns.isEmpty(); i++) {
                    Thread.sleep(50);
                    netns = Files.readString(out).trim();
                }
                assertTrue(netns.startsWith("net:["), "COMMAND did not start");
                assertFalse(NamespaceMode.processesIn(netns).isEmpty());
                if (kill) {
                    p.destroyForcibly();
                } else {
                    p.destroy();
                }
                assertTrue(p.waitFor(15, TimeUnit.SECONDS), "the helper did not exit");
                assertEquals(kill ? 137 : 143, p.exitValue());
                for (int i = 0; i < 100 && !NamespaceMode.processesIn(netns).isEmpty(); i++) {
                    Thread.sleep(50);
                }
                assertTrue(NamespaceMode.processesIn(netns).isEmpty(), "COMMAND survived the helper");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void withoutIpv6CaptureIpv6IsBlockedNotLeaked() throws Exception {
        int echo = topo.world.echoPort();
        int accepted = topo.world.echoAccepted.get();
        Sh.Result r = tun(List.of("--no-ipv6"), "getent ahostsv6 web.test; " + probe(
                "connect/" + Topo.DEST6 + "/" + echo, "dns/" + Topo.DEST + "/web.test/28",
                "connect/web.test/" + echo));
        assertEquals(0, r.exit(), r.toString());
        // AAAA is NODATA: glibc falls back to IPv4-mapped fake addresses, which travel as IPv4
        assertTrue(r.out().lines().filter(l -> l.contains("STREAM")).allMatch(l -> l.startsWith("::ffff:198.1")),
                r.toString());
        assertTrue(r.out().contains("connect " + Topo.DEST6 + " " + echo + " unreachable"), r.toString());
        assertTrue(r.out().contains("dns web.test 28 rcode=0 answers=0"), r.toString());
        assertTrue(r.out().contains("connect web.test " + echo + " ok"), r.toString());
        assertEquals(accepted + 1, topo.world.echoAccepted.get());
    }

    @Test
    void commandRunsAsTheRequestedUser() throws Exception {
        Sh.Result r = tun(List.of("--user", "65534:65534"), "id -u; id -g; getent ahostsv4 web.test");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("65534\n65534\n198.1"), r.toString());
    }

    @Test
    void interoperatesWithMicrosocks() throws Exception {
        assumeTrue(new File("/usr/bin/microsocks").canExecute(), "microsocks not installed");
        int port = 21080;
        ProcessBuilder pb = new ProcessBuilder(topo.near.exec("/usr/bin/microsocks", "-i", "127.0.0.1", "-p",
                String.valueOf(port))).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Process ms = pb.start();
        try {
            Sh.Result r = null;
            for (int i = 0; i < 20; i++) {
                Thread.sleep(100);
                r = Sh.run(topo.near.exec(Sh.helper("--socks", "127.0.0.1:" + port, "--", "sh", "-c",
                        curl("", Topo.DEST, 1 << 20, 11, "m4") + " && " + curl("", "[" + Topo.DEST6 + "]", 1 << 20, 12,
                                "m6")).toArray(String[]::new)), Map.of(), Duration.ofSeconds(40));
                if (!r.err().contains("nothing answers")) {
                    break;
                }
            }
            assertEquals(0, r.exit(), r.toString());
            sameBlob("m4", 1 << 20, 11);
            sameBlob("m6", 1 << 20, 12);
        } finally {
            ms.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
