package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.testkit.Netns;
import java.io.IOException;
import java.io.OutputStream;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * docs/gateway.md for real: four network namespaces, real {@code alknet serve}, {@code alknet connect} and
 * {@code alknet-tun --gateway} processes, real curl.
 *
 * <pre>
 *   lan 10.91.3.2, .3 (l0) --- (g1) 10.91.3.1  gateway  10.91.1.2 (g0) --- (s0) 10.91.1.1  server
 *                                                                            10.91.2.1 (s1) --- (t0) 10.91.2.2  test host
 * </pre>
 *
 * The gateway runs {@code alknet connect} to the server and {@code alknet-tun --gateway g1}; the LAN host's default
 * route is the gateway. Nobody forwards IP but the gateway (and only while alknet-tun runs) and the gateway has no
 * route to the test host's network, so the LAN host reaches the test host through the tunnel or not at all; the
 * test host sees the server's address. The same {@code alknet connect} also listens for the LAN ({@code --socks}
 * on g1's address and on {@code [::]}, {@code --socks-allow} for one LAN address and loopback, which alknet-tun
 * uses): the LAN's second address is closed without a reply byte. Root only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayEndToEndTest {

    private static final String LAN = "10.91.3.2";
    private static final String STRANGER = "10.91.3.3"; // the LAN host's second address, outside --socks-allow
    private static final String GATEWAY_LAN = "10.91.3.1";
    private static final String SERVER = "10.91.1.1";
    private static final String SERVER_EGRESS = "10.91.2.1";
    private static final String TEST_HOST = "10.91.2.2";
    private static final int WEB = 8080;
    private static final int LAN_SOCKS = 1081;
    private static final int ANY_SOCKS = 1082;
    private static final long MIB = 1 << 20;

    private static final List<Netns> NAMESPACES = new ArrayList<>();
    private static final List<Cli.Running> PROCESSES = new ArrayList<>();
    private static Netns testHost;
    private static Netns server;
    private static Netns gateway;
    private static Netns lan;
    private static Cli.Running web;
    private static Cli.Running connect;
    private static Cli.Running tun;
    private static Path dir;
    /** The gateway's rules, routes and links before alknet-tun started, and its IPv4 forwarding. */
    private static String before;
    private static String forwardingBefore;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false), "needs root");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 not installed");
        dir = Files.createTempDirectory("alknet-gw-it-");
        testHost = namespace("t");
        server = namespace("s");
        gateway = namespace("g");
        lan = namespace("l");
        server.ip("link", "add", "s1", "type", "veth", "peer", "name", "t0", "netns", testHost.name);
        server.ip("link", "add", "s0", "type", "veth", "peer", "name", "g0", "netns", gateway.name);
        gateway.ip("link", "add", "g1", "type", "veth", "peer", "name", "l0", "netns", lan.name);
        address(testHost, "t0", TEST_HOST + "/24");
        address(server, "s1", SERVER_EGRESS + "/24");
        address(server, "s0", SERVER + "/24");
        address(gateway, "g0", "10.91.1.2/24");
        address(gateway, "g1", GATEWAY_LAN + "/24");
        address(lan, "l0", LAN + "/24");
        lan.ip("addr", "add", STRANGER + "/24", "dev", "l0");
        lan.ip("route", "add", "default", "via", GATEWAY_LAN);
        // names resolve on the server (alknet-tun answers the LAN's DNS with fake addresses); the LAN's resolver
        // is an address nobody has: only the gateway's capture answers it
        server.etc("hosts", "127.0.0.1 localhost\n" + TEST_HOST + " testhost.test\n");
        lan.etc("resolv.conf", "nameserver 10.91.2.53\noptions timeout:5 attempts:1\n");

        E2e.Keys keys = E2e.keys();
        web = process(testHost, NetnsByteHost.class.getName(), String.valueOf(WEB));
        Cli.Running serve = process(server, "dev.alknet.cli.Main", "serve", "--home", keys.dir().toString(),
                "--listen", "tcp://" + SERVER + ":2222");
        web.awaitStdout("listening", Duration.ofSeconds(40));
        serve.awaitLine(l -> l.contains("listening on tcp://" + SERVER + ":2222"), Duration.ofSeconds(40));
        connect = process(gateway, "dev.alknet.cli.Main", "connect", "tcp://" + SERVER + ":2222", "--home",
                keys.dir().toString(), "--socks", "127.0.0.1:1080", "--socks", GATEWAY_LAN + ":" + LAN_SOCKS,
                "--socks", "[::]:" + ANY_SOCKS, "--socks-allow", "127.0.0.1/32", "--socks-allow", LAN + "/32",
                "--log-level", "debug", "--log-destinations");
        connect.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(40));

        before = snapshot(gateway);
        forwardingBefore = forwarding(gateway);
        tun = start(Cli.command(gateway.exec(), "dev.alknet.tun.Main", "--socks", "127.0.0.1:1080", "--gateway", "g1",
                "--state", dir.resolve("gw.state").toString(), "-v"), Map.of("SUDO_UID", "", "SUDO_GID", ""));
        tun.awaitLine(l -> l.contains("routing traffic arriving on g1"), Duration.ofSeconds(40));
    }

    @AfterAll
    static void stop() throws IOException {
        for (Cli.Running p : PROCESSES) {
            p.close();
        }
        NAMESPACES.forEach(Netns::close);
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    @Order(1)
    void lanHostReachesTheTestHostThroughTheTunnelByteExact() throws Exception {
        Cli.Result direct = Cli.runCommand(gateway.exec("ip", "route", "get", TEST_HOST), Map.of(),
                Duration.ofSeconds(10));
        assertNotEquals(0, direct.exit(), "the gateway itself must have no way to the test host: " + direct);

        Path upload = dir.resolve("upload");
        try (OutputStream out = Files.newOutputStream(upload)) {
            WebServer.Blob.write(4 * MIB, 7, out);
        }
        String base = "curl -gsS --max-time 60 ";
        Cli.Result r = Cli.runCommand(lan.exec("sh", "-c", String.join(" && ",
                base + "-o " + dir.resolve("by-ip") + " 'http://" + TEST_HOST + ":" + WEB + "/blob?size=" + 4 * MIB
                        + "&seed=1'",
                base + "-o " + dir.resolve("by-name") + " 'http://testhost.test:" + WEB + "/blob?size=" + 2 * MIB
                        + "&seed=2'",
                base + "--data-binary @" + upload + " -H 'Content-Type: application/octet-stream' 'http://"
                        + TEST_HOST + ":" + WEB + "/sink'")), Map.of(), Duration.ofSeconds(90));
        assertEquals(0, r.exit(), r + "\n--- alknet-tun\n" + tun.stderrText());
        assertEquals(WebServer.Blob.sha256(4 * MIB, 1), Files2.sha256(dir.resolve("by-ip")), "download, byte-exact");
        assertEquals(WebServer.Blob.sha256(2 * MIB, 2), Files2.sha256(dir.resolve("by-name")),
                "download by a name the server resolved, byte-exact");
        assertEquals(4 * MIB + " " + WebServer.Blob.sha256(4 * MIB, 7), r.stdout().trim(), "upload, byte-exact");

        // UDP too (UDP ASSOCIATE through the same SOCKS port), to a name: 20 datagrams echoed byte for byte
        Path py = dir.resolve("udp.py");
        Files.writeString(py, String.join("\n", "import socket,os",
                "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)",
                "s.settimeout(3)",
                "s.connect(('testhost.test'," + WEB + "))",
                "ok=0",
                "for i in range(20):",
                "    d=os.urandom(1000)",
                "    for attempt in range(3):",
                "        s.send(d)",
                "        try:",
                "            ok+=s.recv(65535)==d",
                "            break",
                "        except socket.timeout:",
                "            pass",
                "print('udp ok',ok)", ""));
        Cli.Result udp = Cli.runCommand(lan.exec("python3", py.toString()), Map.of(), Duration.ofSeconds(60));
        assertEquals("udp ok 20", udp.stdout().trim(), udp + "\n--- alknet-tun\n" + tun.stderrText());
        List<String> udpPeers = web.stdoutText().lines().filter(l -> l.startsWith("udp-peer ")).toList();
        assertEquals(List.of("udp-peer " + SERVER_EGRESS), udpPeers, "UDP came from the server only");

        List<String> peers = peers();
        assertEquals(3, peers.size(), peers.toString());
        assertTrue(peers.stream().allMatch(SERVER_EGRESS::equals), "the test host saw only the server: " + peers);
        assertEquals("1", forwarding(gateway), "alknet-tun --gateway forwards while it runs");

        // while it runs, the gateway's main table and every rule outside alknet-tun's range are as before
        assertEquals(main(before), main(snapshot(gateway)), "the gateway's own routes");
        assertEquals(rulesOutsideClaim(before), rulesOutsideClaim(snapshot(gateway)), "the gateway's own rules");
        List<String> claimed = rules(snapshot(gateway)).stream().filter(GatewayEndToEndTest::claimed).toList();
        assertTrue(!claimed.isEmpty() && claimed.stream().allMatch(l -> l.contains("iif g1")),
                "alknet-tun's rules match what arrives on g1 only: " + claimed);
    }

    @Test
    @Order(2)
    void socksAllowAdmitsTheListedLanAddressAndClosesOthersWithoutAReply() throws Exception {
        // the allowed address, through the LAN listener and the dual-stack one (where IPv4 peers are mapped)
        for (int port : List.of(LAN_SOCKS, ANY_SOCKS)) {
            Path out = dir.resolve("socks-" + port);
            Cli.Result r = Cli.runCommand(lan.exec("curl", "-gsS", "--max-time", "60", "--interface", LAN,
                    "--socks5-hostname", GATEWAY_LAN + ":" + port, "-o", out.toString(),
                    "http://testhost.test:" + WEB + "/blob?size=" + MIB + "&seed=" + port), Map.of(),
                    Duration.ofSeconds(70));
            assertEquals(0, r.exit(), r + "\n--- alknet connect\n" + connect.stderrText());
            assertEquals(WebServer.Blob.sha256(MIB, port), Files2.sha256(out), "through the SOCKS port " + port);
        }

        Cli.Result probe = Cli.runCommand(Cli.command(lan.exec(), NetnsSocksGreeting.class.getName(),
                LAN, GATEWAY_LAN, String.valueOf(LAN_SOCKS),
                STRANGER, GATEWAY_LAN, String.valueOf(LAN_SOCKS),
                STRANGER, GATEWAY_LAN, String.valueOf(ANY_SOCKS)), Map.of(), Duration.ofSeconds(60));
        assertEquals(0, probe.exit(), probe.toString());
        List<String> lines = probe.stdout().lines().toList();
        assertEquals(3, lines.size(), probe.toString());
        assertTrue(lines.get(0).endsWith("bytes 2 answered"), "the probe itself gets an answer when allowed: " + lines);
        for (String refused : lines.subList(1, 3)) {
            assertTrue(refused.endsWith("bytes 0 eof") || refused.endsWith("bytes 0 reset"),
                    "closed without a single reply byte: " + refused);
        }
        connect.awaitLine(l -> l.contains("refused: not in --socks-allow") && l.contains(STRANGER),
                Duration.ofSeconds(10));
        assertTrue(peers().stream().allMatch(SERVER_EGRESS::equals), peers().toString());
    }

    @Test
    @Order(3)
    void stoppingTheGatewayLeavesItsRulesRoutesAndForwardingAsTheyWere() throws Exception {
        assertEquals(143, tun.terminate(Duration.ofSeconds(20)), "SIGTERM's 128 + 15: " + tun.stderrText());
        assertTrue(tun.stderrText().contains("routes restored"), tun.stderrText());
        assertEquals(before, snapshot(gateway), "the gateway's rules, routes and links");
        assertEquals(forwardingBefore, forwarding(gateway), "IP forwarding as before");
        // and the LAN has no way out any more: nothing of the tunnel is left that would forward it
        Cli.Result r = Cli.runCommand(lan.exec("curl", "-gsS", "--max-time", "5", "-o", "/dev/null",
                "http://" + TEST_HOST + ":" + WEB + "/blob?size=1&seed=1"), Map.of(), Duration.ofSeconds(20));
        assertNotEquals(0, r.exit(), r.toString());
    }

    private static Netns namespace(String tag) throws IOException {
        Netns ns = Netns.create("akgw", tag);
        NAMESPACES.add(ns);
        return ns;
    }

    private static void address(Netns ns, String dev, String cidr) throws IOException {
        ns.ip("addr", "add", cidr, "dev", dev);
        ns.ip("link", "set", dev, "up");
    }

    private static Cli.Running process(Netns ns, String mainClass, String... args) throws IOException {
        return start(Cli.command(ns.exec(), mainClass, args), Map.of());
    }

    private static Cli.Running start(List<String> cmd, Map<String, String> env) throws IOException {
        Cli.Running p = Cli.Running.start(cmd, env);
        PROCESSES.add(p);
        return p;
    }

    /** The source address of every request the test host answered, in order. */
    private static List<String> peers() {
        return web.stdoutText().lines().filter(l -> l.startsWith("peer ")).map(l -> l.substring(5)).toList();
    }

    private static String forwarding(Netns ns) throws IOException {
        return ns.run("cat", "/proc/sys/net/ipv4/ip_forward").trim();
    }

    /** Rules (both families), IPv4 routes of every table and the links. */
    private static String snapshot(Netns ns) throws IOException {
        // IPv6 routes are left out: the veths' link-local addresses and their routes come and go on their own
        return ns.ip("rule") + "--\n" + ns.ip("-6", "rule") + "--\n" + ns.ip("-4", "route", "show", "table", "all")
                + "--\n" + String.join("\n", ns.ip("-o", "link", "show").lines()
                        .map(l -> l.replaceAll(">.*", ">")).toList()) + "\n";
    }

    private static List<String> rules(String snapshot) {
        String[] parts = snapshot.split("--\n");
        List<String> out = new ArrayList<>(parts[0].lines().toList());
        out.addAll(parts[1].lines().toList());
        return out;
    }

    /** In alknet-tun's claimed priority range 5210..5309 (docs/gateway.md). */
    private static boolean claimed(String rule) {
        int colon = rule.indexOf(':');
        if (colon < 0) {
            return false;
        }
        int pref = Integer.parseInt(rule.substring(0, colon).trim());
        return pref >= 5210 && pref <= 5309;
    }

    private static List<String> rulesOutsideClaim(String snapshot) {
        return rules(snapshot).stream().filter(l -> !claimed(l)).toList();
    }

    /**
     * Every IPv4 route outside alknet-tun's table 5210 but the TUN device's own (its address's link and local
     * routes, which the kernel adds with the address and removes with the device; docs/gateway.md).
     */
    private static List<String> main(String snapshot) {
        return snapshot.split("--\n")[2].lines().filter(l -> !l.contains("table 5210") && !l.contains("dev alktun0"))
                .toList();
    }
}
