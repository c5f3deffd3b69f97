package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.core.keys.KeyFiles;
import dev.alknet.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kill switch holds while a session resumes (issue #26). On a {@link FaultNet} the client host runs {@code alknet
 * connect} and {@code alknet-tun --route-all}; curl there knows nothing of proxies. During a download the router drops
 * every carrier packet for 10 s (a dead path, no reset), and a second curl starts in the cut. The download finishes
 * byte-exact, the new connection waits and then succeeds after the resume, and a capture on the client host's outer
 * interface for the whole time shows no packet but the carrier's (to or from the server's address and port).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class KillSwitchEndToEndTest {

    private static final int SERVER_PORT = 4433;
    private static final int SOCKS_PORT = 1080;
    private static final int ORIGIN_PORT = 8080;
    private static final long SIZE = 8L << 20;
    private static final long SEED = 26;

    /** Every frame on c0 (both ways) that is not ARP, IPv6 neighbour/router discovery or MLD, nor the carrier. */
    private static final String CAPTURE = String.join("\n",
            "import socket, struct, sys, signal, time",
            "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))",
            "s.bind(('c0', 0)); s.settimeout(0.1)",
            "server = socket.inet_aton(sys.argv[1]); port = int(sys.argv[2]); stop = []",
            "signal.signal(signal.SIGTERM, lambda *a: stop.append(1))",
            "print('ready', flush=True); seen = 0; carrier = 0; leaks = []; end = time.time() + 120",
            "while not stop and time.time() < end:",
            "    try: pkt, addr = s.recvfrom(65535)",
            "    except (socket.timeout, InterruptedError): continue",
            "    seen += 1; eth = struct.unpack('!H', pkt[12:14])[0]; ip = pkt[14:]",
            "    if eth == 0x0806: continue",
            "    if eth == 0x0800:",
            "        ihl = (ip[0] & 15) * 4; proto = ip[9]",
            "        sp, dp = struct.unpack('!HH', ip[ihl:ihl+4])",
            "        if proto == 6 and ((ip[16:20] == server and dp == port) or (ip[12:16] == server and sp == port)):",
            "            carrier += 1; continue",
            "        leaks.append('v4 proto %d %s:%d -> %s:%d' % (proto, socket.inet_ntoa(ip[12:16]), sp,",
            "                     socket.inet_ntoa(ip[16:20]), dp))",
            "    elif eth == 0x86dd:",
            "        nh = ip[6]; l4 = ip[40:]",
            "        if nh == 0: nh = l4[0]; l4 = l4[(l4[1] + 1) * 8:]",
            "        if nh == 58 and l4[0] in (130, 131, 132, 133, 134, 135, 136, 143): continue",
            "        leaks.append('v6 next %d -> %s' % (nh, socket.inet_ntop(socket.AF_INET6, ip[24:40])))",
            "    else: leaks.append('ethertype %x' % eth)",
            "print('seen %d carrier %d leaks %d' % (seen, carrier, len(leaks)))",
            "for l in leaks[:20]: print(l)");

    private static Path dir;
    private static Path blob;
    private static String blobSha;

    @BeforeAll
    static void blob() throws IOException {
        FaultNet.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "no curl");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no python3");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        dir = Files.createTempDirectory("alknet-killswitch-");
        blob = dir.resolve("blob");
        blobSha = WebServer.Blob.writeFile(blob, SIZE, SEED);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The client host's alknet client and alknet-tun (route-all), its server and origin, all started. */
    private record Hosts(Cli.Running serve, List<String> serveCommand, Cli.Running connect, Cli.Running tun) {
    }

    private static Hosts start(FaultNet net, List<Cli.Running> running, String tag, Path served,
            String... serveOptions) throws Exception {
        // origin.test is known to the server host only; the client host asks a DNS server that only the TUN answers
        net.serverEtc("hosts", "127.0.0.1 localhost origin.test\n");
        net.clientEtc("resolv.conf", "nameserver 10.77.9.53\n");
        Path home = dir.resolve(tag);
        Files.createDirectories(home);
        KeyFiles.LoadedKey id = KeyFiles.loadOrCreate(home.resolve("id_ed25519"), "killswitch");
        Files.writeString(home.resolve("authorized_keys"),
                KeyFiles.publicKeyLine(id.pair().getPublic(), "killswitch") + "\n");
        start(running, net.onServer(), "python3", script("/fault-origin.py"), "127.0.0.1",
                String.valueOf(ORIGIN_PORT), served.toString());
        List<String> serve = new ArrayList<>(List.of("serve", "--home", home.toString(), "--listen",
                "tcp://" + FaultNet.SERVER + ":" + SERVER_PORT, "--allow", "loopback:" + ORIGIN_PORT));
        serve.addAll(List.of(serveOptions));
        List<String> serveCommand = Cli.command(net.onServer(), "dev.alknet.cli.Main", serve.toArray(String[]::new));
        Cli.Running server = started(running, serveCommand);
        server.awaitLine(l -> l.contains("listening on"), Duration.ofSeconds(60));
        Cli.Running connect = started(running, Cli.command(net.onClient(), "dev.alknet.cli.Main", "connect",
                "tcp://" + FaultNet.SERVER + ":" + SERVER_PORT, "--home", home.toString(),
                "--socks", "127.0.0.1:" + SOCKS_PORT));
        connect.awaitLine(l -> l.contains("resumable carrier: open streams survive"), Duration.ofSeconds(60));
        Cli.Running tun = started(running, Cli.command(net.onClient(), "dev.alknet.tun.Main",
                "--socks", "127.0.0.1:" + SOCKS_PORT, "--route-all", "--server", FaultNet.SERVER, "--no-ipv6",
                "--state", home.resolve("route-all.state").toString(), "-v"));
        tun.awaitLine(l -> l.contains("alknet-tun: routing"), Duration.ofSeconds(30));
        return new Hosts(server, serveCommand, connect, tun);
    }

    @Test
    void routeAllHoldsThroughATenSecondCut() throws Exception {
        List<Cli.Running> running = new ArrayList<>();
        try (FaultNet net = FaultNet.create("ks")) {
            Hosts hosts = start(net, running, "holds", blob);
            Cli.Running connect = hosts.connect();
            Cli.Running tun = hosts.tun();
            Cli.Running capture = start(running, net.onClient(), "python3", "-c", CAPTURE, FaultNet.SERVER,
                    String.valueOf(SERVER_PORT));
            capture.awaitStdout("ready", Duration.ofSeconds(20));

            Path first = dir.resolve("first");
            Cli.Running download = start(running, net.onClient(), "curl", "-sS", "--max-time", "100",
                    "--limit-rate", "1M", "-o", first.toString(), url());
            Files2.awaitSize(first, 1L << 20, download, Duration.ofSeconds(60));

            net.blackhole(SERVER_PORT);
            connect.awaitLine(l -> l.contains("carrier lost"), Duration.ofSeconds(20));
            Path second = dir.resolve("second");
            Cli.Running fresh = start(running, net.onClient(), "curl", "-sS", "--max-time", "100",
                    "-o", second.toString(), url());
            // the cut lasts ten seconds whatever happens (its length is the point); the new connection must not end
            Await.never(() -> !fresh.process.isAlive(), Duration.ofSeconds(10), () -> "the new connection ended "
                    + "during the cut (refused or leaked): " + fresh.stderrText() + "\ntun:\n" + tail(tun));
            net.heal();

            assertEquals(0, fresh.process.waitFor(60, TimeUnit.SECONDS) ? fresh.process.exitValue() : -1,
                    "new connection: " + fresh.stderrText() + "\nclient:\n" + tail(connect) + "\ntun:\n" + tail(tun));
            assertEquals(0, download.process.waitFor(60, TimeUnit.SECONDS) ? download.process.exitValue() : -1,
                    "download: " + download.stderrText() + "\nclient:\n" + tail(connect));
            assertEquals(blobSha, Files2.sha256(first), "download byte-exact");
            assertEquals(blobSha, Files2.sha256(second), "new connection byte-exact");
            assertTrue(connect.stderrText().contains("resumed after"), tail(connect));

            capture.terminate(Duration.ofSeconds(5));
            String seen = capture.stdoutText();
            System.out.println("kill switch: capture " + seen.lines().filter(l -> l.startsWith("seen")).findFirst().orElse("") + "; client "
                    + connect.stderrText().lines().filter(l -> l.contains("resumed after") || l.contains("carrier lost"))
                            .toList());
            assertTrue(seen.contains(" leaks 0"), "packets outside the carrier on c0:\n" + seen);
            assertTrue(!seen.contains(" carrier 0 "), "the capture saw no carrier at all:\n" + seen);
        } finally {
            for (Cli.Running r : running) {
                r.close();
            }
        }
    }

    /**
     * When the session is given up (the server restarted, so the resume is answered "unknown session"), the open
     * download gets a reset, not a FIN that would look like the end of the data.
     */
    @Test
    void aSessionGivenUpResetsItsFlows() throws Exception {
        List<Cli.Running> running = new ArrayList<>();
        try (FaultNet net = FaultNet.create("kg")) {
            // Larger than every window and buffer on the way: when the server dies, part of it is still on its side.
            Path large = dir.resolve("large");
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(large.toFile(), "rw")) {
                f.setLength(96L << 20);
            }
            Hosts hosts = start(net, running, "given-up", large, "--resume-grace", "2s");
            Path first = dir.resolve("given-up-first");
            Cli.Running download = start(running, net.onClient(), "curl", "-sS", "--max-time", "100",
                    "--limit-rate", "1M", "-o", first.toString(), url());
            Files2.awaitSize(first, 1L << 20, download, Duration.ofSeconds(60));
            // The server dies with the session and comes back without it: the next resume is answered "unknown
            // session" and the client gives the session up (no timing of a silence check involved).
            hosts.serve().process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            hosts.connect().awaitLine(l -> l.contains("carrier lost"), Duration.ofSeconds(30));
            started(running, hosts.serveCommand()).awaitLine(l -> l.contains("listening on"), Duration.ofSeconds(60));
            assertTrue(download.process.waitFor(60, TimeUnit.SECONDS), "download still running");
            assertEquals(56, download.process.exitValue(), "a reset (curl 56), not a clean close (18): "
                    + download.stderrText() + "\nclient:\n" + tail(hosts.connect()));
        } finally {
            for (Cli.Running r : running) {
                r.close();
            }
        }
    }

    private static String url() {
        return "http://origin.test:" + ORIGIN_PORT + "/blob";
    }

    private static String script(String name) throws Exception {
        return Path.of(KillSwitchEndToEndTest.class.getResource(name).toURI()).toString();
    }

    private static Cli.Running start(List<Cli.Running> running, List<String> prefix, String... cmd)
            throws IOException {
        List<String> l = new ArrayList<>(prefix);
        l.addAll(List.of(cmd));
        return started(running, l);
    }

    private static Cli.Running started(List<Cli.Running> running, List<String> cmd) throws IOException {
        Cli.Running r = Cli.Running.start(cmd, Map.of("SUDO_UID", "", "SUDO_GID", ""));
        running.add(r);
        return r;
    }

    private static String tail(Cli.Running p) {
        List<String> lines = p.stderrText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
