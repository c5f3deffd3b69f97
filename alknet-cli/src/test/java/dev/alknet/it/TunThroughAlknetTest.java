package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.client.AlknetClient;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.server.AlknetServer;
import dev.alknet.server.ServerOptions;
import dev.alknet.server.dial.DestinationPolicy;
import dev.alknet.server.dial.DirectDialer;
import dev.alknet.server.dial.DirectTcpipChannelFactory;
import dev.alknet.server.dial.ExecutorHostResolver;
import dev.alknet.server.dial.HostResolver;
import dev.alknet.testkit.Eventually;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import java.net.InetAddress;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * curl that knows nothing of proxies, run under {@code alknet-tun -- curl ...} (namespace mode, so the machine's own
 * network namespace is not changed), reaches a web server through a real alknet client and server. The server's
 * resolver knows {@code web.test} (127.0.0.1) and {@code web6.test} (::1) and records every name it is asked for, so
 * a passing test shows the name was resolved on the server, not by curl. Root only.
 */
@Timeout(value = 80, unit = TimeUnit.SECONDS)
class TunThroughAlknetTest {

    private static AlknetServer server;
    private static AlknetClient client;
    private static WebServer web;
    private static Path dir;
    private static DatagramSocket udpEcho;
    private static final List<String> RESOLVED = new CopyOnWriteArrayList<>();
    private static final java.util.concurrent.atomic.AtomicBoolean STRANGER_ECHOED =
            new java.util.concurrent.atomic.AtomicBoolean();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(new String(Files.readAllBytes(Path.of("/proc/self/status"))).matches("(?s).*\\nUid:\\s+0\\s.*"),
                "needs root");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        E2e.Keys keys = E2e.keys();
        HostResolver names = host -> {
            RESOLVED.add(host);
            if (host.equalsIgnoreCase("web.test")) {
                return CompletableFuture.completedFuture(List.of(InetAddress.getLoopbackAddress()));
            }
            if (host.equalsIgnoreCase("web6.test")) {
                return CompletableFuture.completedFuture(List.of(loopback6()));
            }
            return ExecutorHostResolver.shared().resolve(host);
        };
        server = AlknetServer.start(new ServerOptions(List.of(ServerAddress.parse("tcp://127.0.0.1:0", true)),
                keys.hostKey(), keys.home().authorizedKeys(),
                a -> Transports.create(a.scheme(), TransportSettings.defaults()), 6),
                new DirectTcpipChannelFactory(new DirectDialer(names, Duration.ofSeconds(10)), DestinationPolicy.ALLOW_ALL),
                names);
        client = AlknetClient.start(E2e.clientOptions(keys, server.listeners().get(0).localAddress().getPort()),
                new InetSocketAddress("127.0.0.1", 0));
        web = new WebServer();
        dir = Files.createTempDirectory("alknet-tun-it-");
        udpEcho = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread echo = new Thread(TunThroughAlknetTest::echoDatagrams, "udp-echo");
        echo.setDaemon(true);
        echo.start();
    }

    /** Sends every datagram back to where it came from, until the socket is closed. */
    private static void echoDatagrams() {
        byte[] buf = new byte[65536];
        while (!udpEcho.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udpEcho.receive(p);
                if (new String(p.getData(), 0, p.getLength(), java.nio.charset.StandardCharsets.ISO_8859_1)
                        .contains("stranger")) {
                    STRANGER_ECHOED.set(true);
                }
                udpEcho.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static InetAddress loopback6() {
        try {
            return InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
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
        if (web != null) {
            web.close();
        }
        if (udpEcho != null) {
            udpEcho.close();
        }
    }

    private static String socks() {
        return "127.0.0.1:" + client.socksAddress().getPort();
    }

    private static String curl(String flags, String host, long size, long seed, String out) {
        return "curl -gsS --max-time 60 " + flags + " -o " + dir.resolve(out) + " 'http://" + host + ":" + web.port()
                + "/blob?size=" + size + "&seed=" + seed + "'";
    }

    /** {@code alknet-tun --socks SOCKS -- sh -c script}, from this test's class path. */
    private static Cli.Result tun(String script) throws Exception {
        return tun(List.of(), script);
    }

    private static Cli.Result tun(List<String> options, String script) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.alknet.tun.Main", "--socks", socks(), "-v"));
        cmd.addAll(options);
        cmd.addAll(List.of("--", "sh", "-c", script));
        return Cli.runCommand(cmd, Map.of("SUDO_UID", "", "SUDO_GID", ""), Duration.ofSeconds(70));
    }

    private static void sameBlob(String name, long size, long seed) throws Exception {
        Path p = dir.resolve(name);
        assertEquals(size, Files.size(p), name);
        assertEquals(WebServer.Blob.sha256(size, seed), Files2.sha256(p), name);
        Files.delete(p);
    }

    @Test
    void curlUnderAlknetTunIsByteExactAndNamesResolveOnTheServer() throws Exception {
        long mib = 1 << 20;
        long big = 256L << 20;
        Cli.Result r = tun(String.join(" && ", "getent ahostsv4 web.test", curl("-4", "web.test", mib, 1, "a"),
                curl("-6", "web.test", mib, 2, "b"), curl("", "web6.test", mib, 3, "c"),
                curl("", "web.test", big, 4, "d")));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().startsWith("198.18.") || r.stdout().startsWith("198.19."), r.stdout());
        sameBlob("a", mib, 1);
        sameBlob("b", mib, 2);
        sameBlob("c", mib, 3);
        sameBlob("d", big, 4);
        assertTrue(RESOLVED.contains("web.test") && RESOLVED.contains("web6.test"), RESOLVED.toString());
        assertFalse(RESOLVED.stream().anyMatch(h -> h.startsWith("198.1") || h.startsWith("fd18")), RESOLVED.toString());
    }

    /**
     * UDP to a name goes through the SOCKS port's UDP ASSOCIATE: the name is resolved on the server, and the replies
     * reach a connected socket, i.e. they appear to come from the fake IP it sent to. 50 datagrams of 1 KB, each
     * echoed byte for byte.
     */
    @Test
    void udpUnderAlknetTunGoesThroughUdpAssociate() throws Exception {
        String script = "import socket,os\n"
                + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                + "s.settimeout(5)\n"
                + "s.connect(('web.test'," + udpEcho.getLocalPort() + "))\n"
                + "ok=0\n"
                + "for i in range(50):\n"
                + "    d=os.urandom(1000)\n"
                + "    s.send(d)\n"
                + "    ok+=s.recv(65535)==d\n"
                + "print('udp ok',ok,s.getpeername()[0])\n";
        Path py = dir.resolve("udp.py");
        Files.writeString(py, script);
        Cli.Result r = tun("python3 " + py);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().startsWith("udp ok 50 198.1"), r.toString());
        assertTrue(r.stderr().contains("udp datagrams 50"), r.stderr());
    }

    /**
     * A local process that sends to alknet-tun's UDP relay (at the alknet client) from its own port is ignored: the
     * UDP ASSOCIATE named alknet-tun's source port, so the relay takes datagrams from that port only. The stranger
     * aims a SOCKS UDP datagram at the echo server through every UDP socket of the client; nothing is echoed to it
     * or sent on its behalf, and the application's own datagrams still go through.
     */
    @Test
    void aStrangerCannotUseAlknetTunsUdpRelay() throws Exception {
        Path ready = dir.resolve("udp-ready");
        Path go = dir.resolve("udp-go");
        String script = "import socket,os,time\n"
                + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                + "s.settimeout(5)\n"
                + "s.connect(('web.test'," + udpEcho.getLocalPort() + "))\n"
                + "s.send(b'first'); ok=s.recv(100)==b'first'\n"
                + "open('" + ready + "','w').close()\n"
                + "end=time.time()+30\n"
                + "while not os.path.exists('" + go + "') and time.time()<end: time.sleep(0.05)\n"
                + "s.send(b'second'); ok=ok and s.recv(100)==b'second'\n"
                + "print('udp ok' if ok else 'udp bad')\n";
        Path py = dir.resolve("stranger.py");
        Files.writeString(py, script);
        CompletableFuture<Cli.Result> app = CompletableFuture.supplyAsync(() -> {
            try {
                return tun("python3 " + py);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Eventually.within(Duration.ofSeconds(30), () -> Files.exists(ready) || app.isDone());
        assertTrue(Files.exists(ready), () -> "the application did not get its first echo: " + app.getNow(null));
        List<Integer> relays = ownUdpPorts();
        relays.remove(Integer.valueOf(udpEcho.getLocalPort()));
        assertFalse(relays.isEmpty(), "no relay socket found");
        byte[] header = {0, 0, 0, 1, 127, 0, 0, 1, (byte) (udpEcho.getLocalPort() >>> 8), (byte) udpEcho.getLocalPort()};
        byte[] datagram = java.util.Arrays.copyOf(header, header.length + 8);
        System.arraycopy("stranger".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, datagram, header.length, 8);
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            for (int port : relays) {
                stranger.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), port));
            }
            Files.createFile(go);
            Cli.Result r = app.get(60, TimeUnit.SECONDS);
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.stdout().contains("udp ok"), r.toString());
            stranger.setSoTimeout(1000);
            try {
                stranger.receive(new DatagramPacket(new byte[100], 100));
                throw new AssertionError("the stranger got a datagram back");
            } catch (java.net.SocketTimeoutException expected) {
                // nothing for the stranger
            }
        }
        assertFalse(STRANGER_ECHOED.get(), "the relay carried the stranger's datagram");
    }

    /** UDP ports on 127.0.0.1 of sockets this JVM holds (the alknet client runs in it). */
    private static List<Integer> ownUdpPorts() throws IOException {
        java.util.Set<String> inodes = new java.util.HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) {
                        inodes.add(link.substring(8, link.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        List<Integer> ports = new ArrayList<>();
        for (String table : List.of("/proc/self/net/udp", "/proc/self/net/udp6")) {
            for (String l : Files.readAllLines(Path.of(table))) {
                String[] f = l.trim().split("\\s+");
                if (f.length > 9 && f[1].contains("0100007F:") && inodes.contains(f[9])) {
                    ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }

    @Test
    void aRefusedPortIsARefusedConnectForTheApplication() throws Exception {
        long start = System.nanoTime();
        Cli.Result r = tun("curl -sS --max-time 20 http://web.test:1/; echo curl=$?");
        assertTrue(r.stdout().contains("curl=7"), r.toString());
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 20, r.toString());
    }

    /**
     * The measurement, same run: 128 MiB through the SOCKS port directly, through alknet-tun (TSO offload) and
     * through alknet-tun with one packet per MTU. Every copy is checked byte for byte; the figures are printed.
     */
    @Test
    void throughputThroughAlknetTunComparedWithTheSocksPort() throws Exception {
        long size = 128L << 20;
        double direct = 0;
        double offload = 0;
        double perMtu = 0;
        for (int round = 0; round < Integer.getInteger("alknet.tun.rounds", 1); round++) {
            Cli.Result d = Cli.runCommand(List.of("sh", "-c", curl("--socks5-hostname " + socks()
                    + " -w '%{speed_download}'", "web.test", size, 9, "direct")), Map.of(), Duration.ofSeconds(60));
            assertEquals(0, d.exit(), d.toString());
            direct = Math.max(direct, Double.parseDouble(d.stdout().trim()));
            offload = Math.max(offload, tunSpeed(List.of(), size, "tunneled"));
            perMtu = Math.max(perMtu, tunSpeed(List.of("--no-offload"), size, "tunneled-mtu"));
        }
        sameBlob("direct", size, 9);
        sameBlob("tunneled", size, 9);
        sameBlob("tunneled-mtu", size, 9);
        System.out.printf("alknet tcp, 128 MiB: SOCKS port %.0f MB/s, alknet-tun %.0f MB/s (%.2fx),"
                + " without offload %.0f MB/s (%.2fx)%n", direct / 1e6, offload / 1e6, offload / direct,
                perMtu / 1e6, perMtu / direct);
    }

    private static double tunSpeed(List<String> options, long size, String out) throws Exception {
        Cli.Result t = tun(options, curl("-w '%{speed_download}'", "web.test", size, 9, out));
        assertEquals(0, t.exit(), t.toString());
        t.stderr().lines().filter(l -> l.contains("packets")).forEach(l -> System.out.println(options + ": " + l));
        return Double.parseDouble(t.stdout().trim());
    }
}
