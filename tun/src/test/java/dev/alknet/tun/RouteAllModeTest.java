package dev.alknet.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.testkit.Await;
import java.io.File;
import java.io.IOException;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Host mode, only ever inside a "laptop" namespace (NEAR of {@link Topo}) whose uplink h0 leads to FAR. FAR runs the
 * SOCKS stub on 10.231.0.1:1080 (the alknet server's role: it resolves names and dials); NEAR runs a TCP relay
 * 127.0.0.1:P to it (the alknet client's role) and {@code alknet-tun --route-all --server 10.231.0.1}. A capture on
 * FAR's end of the uplink, UDP sinks and the web server's peer list show what left the laptop outside the tunnel.
 */
@Timeout(value = 80, unit = TimeUnit.SECONDS)
class RouteAllModeTest {

    private static final String CAPTURE = String.join("\n",
            "import socket, struct, sys, signal, time",
            "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))",
            "s.bind(('w0', 0)); s.settimeout(0.1)",
            "server = socket.inet_aton(sys.argv[1]); stop = []",
            "signal.signal(signal.SIGTERM, lambda *a: stop.append(1))",
            "print('ready', flush=True); seen = 0; leaks = []; end = time.time() + 70",
            "while not stop and time.time() < end:",
            "    try: pkt, addr = s.recvfrom(65535)",
            "    except (socket.timeout, InterruptedError): continue",
            "    if addr[2] == socket.PACKET_OUTGOING: continue",
            "    seen += 1; eth = struct.unpack('!H', pkt[12:14])[0]; ip = pkt[14:]",
            "    if eth == 0x0806: continue",
            "    if eth == 0x0800:",
            "        ihl = (ip[0] & 15) * 4; proto = ip[9]",
            "        if proto == 6 and ip[16:20] == server and struct.unpack('!H', ip[ihl+2:ihl+4])[0] == 1080: continue",
            "        leaks.append('v4 proto %d %s -> %s' % (proto, socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])))",
            "    elif eth == 0x86dd:",
            "        nh = ip[6]; l4 = ip[40:]",
            "        if nh == 0: nh = l4[0]; l4 = l4[(l4[1] + 1) * 8:]",
            "        if nh == 58 and l4[0] in (130, 131, 132, 133, 134, 135, 136, 143): continue",
            "        leaks.append('v6 next %d -> %s' % (nh, socket.inet_ntop(socket.AF_INET6, ip[24:40])))",
            "    else: leaks.append('ethertype %x' % eth)",
            "print('seen %d leaks %d' % (seen, len(leaks)))",
            "for l in leaks[:20]: print(l)");

    private static Topo topo;
    private static SocksStub server;
    private static TcpRelay client;
    private static Path dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Netns.assumeRoot();
        topo = Topo.create("ra");
        server = topo.far.call(() -> new SocksStub(new InetSocketAddress(InetAddress.getByName(Topo.FAR_IP), 1080),
                Map.of("web.test", Topo.DEST), topo.far.threads("server")));
        client = topo.near.call(() -> new TcpRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InetSocketAddress(InetAddress.getByName(Topo.FAR_IP), 1080), topo.near.threads("client")));
        dir = Files.createTempDirectory("atun-ra-");
    }

    @AfterEach
    void killStarted() throws Exception {
        for (Process p : started) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        if (topo != null) {
            Sh.run(topo.near.exec(Sh.helper("--cleanup", "--state", state().toString()).toArray(String[]::new)),
                    Map.of(), Duration.ofSeconds(20));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
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

    private static Path state() {
        return dir.resolve("route-all.state");
    }

    /** Rules, routes of every table (v4 and v6) and links of the laptop. */
    private static String snapshot() throws IOException {
        return topo.near.ip("rule") + "\n" + topo.near.ip("-6", "rule") + "\n"
                + topo.near.ip("route", "show", "table", "all") + "\n"
                + topo.near.ip("-6", "route", "show", "table", "all") + "\n" + topo.near.ip("-o", "link", "show");
    }

    /** Equal snapshots, or a failure listing the lines that differ. */
    private static void assertSame(String before, String after) {
        if (!before.equals(after)) {
            List<String> a = before.lines().toList();
            List<String> b = after.lines().toList();
            throw new AssertionError("not restored; gone: " + a.stream().filter(l -> !b.contains(l)).toList()
                    + "; added: " + b.stream().filter(l -> !a.contains(l)).toList());
        }
    }

    private Process helper(Path stderr) throws IOException {
        List<String> cmd = topo.near.exec(Sh.helper("--socks", "127.0.0.1:" + client.port(), "--route-all",
                "--server", Topo.FAR_IP, "--state", state().toString(), "-v").toArray(String[]::new));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Sh.clean(pb.environment());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static String awaitLine(Process p, Path stderr, String text) throws Exception {
        for (int i = 0; i < 400; i++) {
            String s = Files.readString(stderr);
            if (s.contains(text)) {
                return s;
            }
            if (!p.isAlive()) {
                throw new AssertionError("helper exited " + p.exitValue() + ":\n" + s);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + text + "' within 20 s:\n" + Files.readString(stderr));
    }

    /** {@code sh -c script} in the laptop, as any program there would run. */
    private static Sh.Result laptop(String script) throws IOException {
        return Sh.run(topo.near.exec("sh", "-c", script), Map.of(), Duration.ofSeconds(40));
    }

    private static String probe(String... probes) {
        return String.join(" ", Sh.java("dev.alknet.tun.TunProbe", probes).stream().map(Sh::q).toList());
    }

    private static String url(String host, long size, long seed) {
        return Sh.q("http://" + host + ":" + topo.world.httpPort() + "/blob?size=" + size + "&seed=" + seed);
    }

    private void noLeaks(int sunk) throws InterruptedException {
        Await.never(() -> topo.world.sinkPackets.get() != sunk, Duration.ofMillis(200),
                () -> "UDP reached a sink outside the tunnel");
        assertFalse(topo.world.httpPeers.contains(Topo.NEAR_IP), "the laptop reached the web server directly");
        assertFalse(topo.world.httpPeers.stream().anyMatch(a -> a.startsWith("fd23:1:")), topo.world.httpPeers.toString());
    }

    @Test
    void routesEverythingThroughTheTunnelWithoutLeaksAndRestoresOnSigterm() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) || Files.exists(Path.of("/root/.pyenv/shims/python3")),
                "python3 for the capture");
        String before = snapshot();
        int sunk = topo.world.sinkPackets.get();
        Path err = dir.resolve("helper1.err");
        Process helper = helper(err);
        awaitLine(helper, err, "routing all traffic through");
        assertTrue(Files.exists(state()));

        Path capOut = dir.resolve("capture.out");
        Process capture = new ProcessBuilder(topo.far.exec("python3", "-c", CAPTURE, Topo.FAR_IP))
                .redirectOutput(capOut.toFile()).redirectErrorStream(true).start();
        started.add(capture);
        for (int i = 0; i < 100 && !Files.readString(capOut).contains("ready"); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.readString(capOut).contains("ready"), Files.readString(capOut));

        long mib = 1 << 20;
        Sh.Result r = laptop(String.join(" && ",
                "getent ahostsv4 web.test",
                "curl -gsS --max-time 30 -o " + dir.resolve("a") + " " + url("web.test", mib, 1),
                "curl -gsS --max-time 30 -o " + dir.resolve("b") + " " + url(Topo.DEST, mib, 2),
                "curl -gsS --max-time 30 -o " + dir.resolve("c") + " " + url("[" + Topo.DEST6 + "]", mib, 3),
                probe("udp/" + Topo.DEST + "/5353", "udp/" + Topo.DEST6 + "/5353", "dns/" + Topo.DEST + "/web.test/1",
                        "connect/web.test/1")));
        capture.destroy();
        assertTrue(capture.waitFor(10, TimeUnit.SECONDS));
        String cap = Files.readString(capOut);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("198.18.") || r.out().startsWith("198.19."), r.out());
        assertEquals(World.Blob.sha256(mib, 1), Files2.sha256(dir.resolve("a")));
        assertEquals(World.Blob.sha256(mib, 2), Files2.sha256(dir.resolve("b")));
        assertEquals(World.Blob.sha256(mib, 3), Files2.sha256(dir.resolve("c")));
        assertTrue(r.out().contains("udp " + Topo.DEST + " 5353 refused"), r.out());
        assertTrue(r.out().contains("udp " + Topo.DEST6 + " 5353 refused"), r.out());
        assertTrue(r.out().contains("dns web.test 1 rcode=0 answers=1 198.1"), r.out());
        assertTrue(r.out().contains("connect web.test 1 refused"), r.out());
        assertTrue(server.asked(3, "web.test"), "the name was resolved by the server: " + server.requests);
        assertTrue(cap.contains("leaks 0"), "capture on the uplink:\n" + cap);
        assertFalse(cap.contains("seen 0 "), "the capture saw nothing at all:\n" + cap);
        noLeaks(sunk);

        helper.destroy();
        assertTrue(helper.waitFor(15, TimeUnit.SECONDS));
        assertEquals(143, helper.exitValue());
        assertTrue(Files.readString(err).contains("routes restored"), Files.readString(err));
        assertSame(before, snapshot());
        assertFalse(Files.exists(state()));
    }

    @Test
    void killSwitchHoldsAfterSigkillAndWhenTheTunnelIsDownAndTheNextStartRestores() throws Exception {
        String before = snapshot();
        int sunk = topo.world.sinkPackets.get();
        String direct = "curl -gsS --max-time 5 -o /dev/null " + url(Topo.DEST, 10, 1) + "; echo curl=$?; "
                + probe("udp/" + Topo.DEST + "/5353", "connect/" + Topo.DEST6 + "/" + topo.world.echoPort());

        Path err1 = dir.resolve("kill1.err");
        Process first = helper(err1);
        awaitLine(first, err1, "routing all traffic through");
        first.destroyForcibly();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));
        assertTrue(Files.exists(state()), "the state file stays after SIGKILL");
        assertFalse(topo.near.ip("-o", "link", "show").contains("alktun"), "the TUN died with the process");
        Sh.Result killed = laptop(direct);
        assertTrue(killed.out().contains("curl=7"), "kill switch: " + killed);
        assertTrue(killed.out().contains("udp " + Topo.DEST + " 5353 error") || killed.out().contains("unreachable"),
                killed.toString());
        assertTrue(killed.out().contains("unreachable"), killed.toString());
        noLeaks(sunk);

        // the next start undoes the dead run, then works; with the tunnel (alknet) down nothing leaks either
        Path err2 = dir.resolve("kill2.err");
        Process second = helper(err2);
        String text = awaitLine(second, err2, "routing all traffic through");
        assertTrue(text.contains("recovered from a run that did not exit cleanly"), text);
        assertEquals(0, laptop("curl -gsS --max-time 10 -o /dev/null " + url("web.test", 1000, 4)).exit());
        client.down = true;
        try {
            Sh.Result down = laptop("curl -gsS --max-time 10 -o /dev/null " + url("web.test", 1000, 5) + "; echo curl=$?; "
                    + "curl -gsS --max-time 10 -o /dev/null " + url(Topo.DEST, 1000, 5) + "; echo curl=$?");
            assertEquals(2, down.out().lines().filter(l -> l.startsWith("curl=") && !l.equals("curl=0")).count(),
                    down.toString());
            noLeaks(sunk);
        } finally {
            client.down = false;
        }
        second.destroy();
        assertTrue(second.waitFor(15, TimeUnit.SECONDS));
        assertSame(before, snapshot());

        // SIGKILL again, then --cleanup
        Path err3 = dir.resolve("kill3.err");
        Process third = helper(err3);
        awaitLine(third, err3, "routing all traffic through");
        third.destroyForcibly();
        assertTrue(third.waitFor(10, TimeUnit.SECONDS));
        assertFalse(before.equals(snapshot()));
        Sh.Result clean = Sh.run(topo.near.exec(Sh.helper("--cleanup", "--state", state().toString())
                .toArray(String[]::new)), Map.of(), Duration.ofSeconds(20));
        assertEquals(0, clean.exit(), clean.toString());
        assertTrue(clean.err().contains("cleaned up"), clean.toString());
        assertSame(before, snapshot());
        noLeaks(sunk);
    }

    /** An exit nobody asked for (here: the TUN device deleted under it) keeps the host closed; --cleanup opens it. */
    @Test
    void anExitThatWasNotAStopRequestLeavesTheKillSwitchClosed() throws Exception {
        String before = snapshot();
        int sunk = topo.world.sinkPackets.get();
        Path err = dir.resolve("crash.err");
        Process helper = helper(err);
        awaitLine(helper, err, "routing all traffic through");
        topo.near.ip("link", "del", "dev", "alktun0");
        assertTrue(helper.waitFor(15, TimeUnit.SECONDS));
        String text = Files.readString(err);
        assertEquals(TunException.EXIT_FAILURE, helper.exitValue(), text);
        assertTrue(text.contains("the TUN device is gone") && text.contains("the kill switch stays"), text);
        assertFalse(text.contains("routes restored"), text);
        assertTrue(Files.exists(state()), "the state file stays for the next start");
        Sh.Result r = laptop("curl -gsS --max-time 5 -o /dev/null " + url(Topo.DEST, 10, 1) + "; echo curl=$?; "
                + probe("udp/" + Topo.DEST + "/5353"));
        assertTrue(r.out().contains("curl=7"), "kill switch: " + r);
        noLeaks(sunk);
        Sh.Result clean = Sh.run(topo.near.exec(Sh.helper("--cleanup", "--state", state().toString())
                .toArray(String[]::new)), Map.of(), Duration.ofSeconds(20));
        assertEquals(0, clean.exit(), clean.toString());
        assertSame(before, snapshot());
    }

    /** --state in a shared directory: a symbolic link planted at FILE.tmp is refused and its target untouched. */
    @Test
    void aSymlinkAtTheStateTmpPathIsRefused() throws Exception {
        String before = snapshot();
        Path target = dir.resolve("precious");
        Files.writeString(target, "do not overwrite\n");
        Path tmp = dir.resolve(state().getFileName() + ".tmp");
        Files.createSymbolicLink(tmp, target);
        try {
            Path err = dir.resolve("symlink.err");
            Process helper = helper(err);
            assertTrue(helper.waitFor(30, TimeUnit.SECONDS));
            String text = Files.readString(err);
            assertEquals(TunException.EXIT_FAILURE, helper.exitValue(), text);
            assertTrue(text.contains("refusing to write the state file"), text);
            assertEquals("do not overwrite\n", Files.readString(target));
            assertTrue(Files.isSymbolicLink(tmp));
            assertFalse(Files.exists(state(), java.nio.file.LinkOption.NOFOLLOW_LINKS));
            assertSame(before, snapshot());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
