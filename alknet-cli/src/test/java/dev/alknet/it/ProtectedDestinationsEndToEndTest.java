package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.client.AlknetClient;
import dev.alknet.testkit.Socks5Probe;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The attacks of the destination-hardening issue, each performed against a real {@code alknet serve} process: allow
 * rules that do not name a protected address ({@code --allow :PORT}, a name pattern whose DNS answers 127.0.0.1) must
 * not open loopback, cloud metadata or the server's own addresses; a loopback listener alone must not open loopback;
 * non-canonical IPv4 literals ({@code 127.1}, {@code 0x7f.1}, ...) must land in their class, directly and through a
 * name-resolving outbound proxy (real microsocks, which would read {@code 0x7f.1} as 127.0.0.1); {@code -R} below 1024
 * needs a {@code permitlisten} naming the port. An echo server on every interface is the listener that must not be
 * reached; for metadata addresses the SOCKS reply (0x02, decided before any dial) is the proof.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProtectedDestinationsEndToEndTest {

    /** Spellings of 127.0.0.1 (and of this machine) a client may send as a SOCKS domain name. */
    private static final List<String> LOOPBACK_SPELLINGS = List.of("127.0.0.1", "127.1", "2130706433", "0x7f.1",
            "0177.0.0.1", "0x7f000001", "127.0.0.1.", "::ffff:127.0.0.1", "::127.0.0.1", "::1", "0.0.0.0", "0", "::",
            "localhost", "LOCALHOST.", "rebind.test");
    private static final List<String> METADATA = List.of("169.254.169.254", "169.254.43518", "0xa9fea9fe",
            "169.254.170.2", "100.100.100.200", "168.63.129.16", "192.0.0.192", "fd00:ec2::254", "fd20:ce::254",
            "metadata.google.internal", "meta.test");

    private static WebServer web;
    private static E2e.EchoServer echo;
    private static E2e.Keys keys;
    private static Cli.Running serve;
    private static AlknetClient client;

    @BeforeAll
    static void start() throws Exception {
        web = new WebServer();
        echo = new E2e.EchoServer(2);
        keys = E2e.keys();
        // Rules that name no protected address (any host on the echo port and on 80, every *.test name) and one that
        // does (127.0.0.1 on the web port): the control that shows the server does dial loopback when told to.
        serve = serve(keys, "--allow", ":" + echo.port(), "--allow", ":80", "--allow", "*.test", "--allow",
                "127.0.0.1:" + web.port());
        client = client(keys, serve);
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (serve != null) {
            serve.close();
        }
        echo.close();
        web.close();
    }

    /** {@code alknet serve} on loopback whose resolver knows rebind.test (127.0.0.1) and meta.test (169.254.169.254). */
    private static Cli.Running serve(E2e.Keys k, String... extra) throws Exception {
        Path hosts = k.dir().resolve("server-hosts");
        Files.writeString(hosts, "127.0.0.1 rebind.test\n169.254.169.254 meta.test\n");
        List<String> args = new ArrayList<>(List.of("serve", "--home", k.dir().toString(), "--listen",
                "tcp://127.0.0.1:0"));
        args.addAll(List.of(extra));
        List<String> cmd = Cli.command(List.of(), "dev.alknet.cli.Main", args.toArray(String[]::new));
        cmd.add(1, "-Djdk.net.hosts.file=" + hosts);
        return Cli.Running.start(cmd, Map.of());
    }

    private static AlknetClient client(E2e.Keys k, Cli.Running s) throws Exception {
        int port = Integer.parseInt(ForwardFixtures.awaitGroup(s, "listening on tcp://127\\.0\\.0\\.1:(\\d+)"));
        AlknetClient c = AlknetClient.start(E2e.clientOptions(k, port), new InetSocketAddress("127.0.0.1", 0));
        c.sessions().session().get(15, TimeUnit.SECONDS);
        return c;
    }

    /** CONNECT with the host sent as a SOCKS domain name (ATYP 3), as socks5h clients send what the user typed. */
    private static int connectName(AlknetClient c, String host, int port) throws Exception {
        try (Socks5Probe p = new Socks5Probe(c.socksAddress().getPort())) {
            return p.connectDomain(host, port);
        }
    }

    @Test
    void anyHostAndNameRulesDoNotOpenLoopbackMetadataOrOwnAddresses() throws Exception {
        int before = echo.accepted.get();
        // First, while the server's denial log (rate-limited) still writes every line: judged by the address.
        assertEquals(E2e.FORBIDDEN, connectName(client, "rebind.test", echo.port()), "*.test resolving to loopback");
        String denied = "denied rebind.test (127.0.0.1) port " + echo.port() + " by policy";
        serve.awaitLine(l -> l.contains(denied), Duration.ofSeconds(10));
        for (String host : LOOPBACK_SPELLINGS) {
            assertEquals(E2e.FORBIDDEN, connectName(client, host, echo.port()), host + " with --allow :PORT, *.test");
        }
        for (String own : ownAddresses()) {
            assertEquals(E2e.FORBIDDEN, connectName(client, own, echo.port()), "the server's own address " + own);
        }
        for (String host : METADATA) {
            assertEquals(E2e.FORBIDDEN, connectName(client, host, 80), host + " with --allow :80");
        }
        Curl.Result r = Curl.fetch("127.0.0.1:" + client.socksAddress().getPort(), "http://rebind.test:" + echo.port()
                + "/", keys.dir().resolve("rebind"));
        assertEquals(97, r.exit(), "curl: SOCKS refusal, " + r.stderr());
        assertEquals(before, echo.accepted.get(), "the loopback listener was never reached");

        // The control: a rule naming 127.0.0.1 opens it, whatever spelling of it the client sends.
        for (String host : List.of("127.0.0.1", "0x7f.1", "2130706433", "::ffff:127.0.0.1")) {
            assertEquals(E2e.SUCCEEDED, connectName(client, host, web.port()), host + " on the named port");
        }
        Curl.Result ok = Curl.fetch("127.0.0.1:" + client.socksAddress().getPort(), "http://127.0.0.1:" + web.port()
                + "/blob?size=1000&seed=7", keys.dir().resolve("got"));
        assertEquals(0, ok.exit(), ok.stderr());
    }

    /** (An empty label, "127.0.0.1..", never gets this far: the client's SOCKS decoder refuses it with 0x04.) */
    @Test
    void malformedHostsAreRefusedNotGuessed() throws Exception {
        for (String host : List.of("127.0.0.1 x", "1.2.3.4.5", "127.0.0.256", "08.0.0.1", "a.1",
                "evil@127.0.0.1", "a\r\nb")) {
            assertEquals(E2e.FORBIDDEN, connectName(client, host, echo.port()), "'" + host + "'");
        }
    }

    @Test
    void loopbackListenerAloneDoesNotOpenLoopbackButLocalClientsDoes() throws Exception {
        E2e.Keys k = E2e.keys();
        int before = echo.accepted.get();
        try (Cli.Running s = serve(k); AlknetClient c = client(k, s)) {
            assertEquals(E2e.FORBIDDEN, connectName(c, "127.0.0.1", echo.port()), "behind sslh: clients are remote");
            assertEquals(E2e.FORBIDDEN, connectName(c, "localhost", echo.port()));
        }
        assertEquals(before, echo.accepted.get());
        try (Cli.Running s = serve(k, "--local-clients"); AlknetClient c = client(k, s)) {
            assertEquals(E2e.SUCCEEDED, connectName(c, "127.0.0.1", echo.port()), "opted in");
            assertEquals(E2e.SUCCEEDED, connectName(c, "localhost", echo.port()));
            assertEquals(E2e.FORBIDDEN, connectName(c, "169.254.169.254", 80), "loopback only, not metadata");
        }
        Cli.Result wide = Cli.run("serve", "--home", k.dir().toString(), "--listen", "tcp://0.0.0.0:0",
                "--local-clients");
        assertNotEquals(0, wide.exit(), wide.toString());
        assertTrue(wide.stderr().contains("--local-clients needs every --listen address on loopback"), wide.toString());
        assertFalse(wide.stderr().contains("\tat "), "no stack trace: " + wide);
    }

    /**
     * microsocks resolves what it is sent as a name with getaddrinfo, which reads {@code 0x7f.1} as 127.0.0.1: the
     * server must decide on the address and never hand the proxy such a literal as a name. A tap in front of
     * microsocks records every byte it was sent.
     */
    @Test
    void nonCanonicalLiteralsNeverReachANameResolvingProxyAsNames() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/microsocks")), "microsocks not installed");
        int proxyPort = E2e.freePort();
        Process socks = new ProcessBuilder("/usr/bin/microsocks", "-i", "127.0.0.1", "-p", String.valueOf(proxyPort))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        E2e.Keys k = E2e.keys();
        try (SocksTap tap = new SocksTap(waitFor(proxyPort, socks));
                Cli.Running s = serve(k, "--outbound-proxy", "socks5h://127.0.0.1:" + tap.port(), "--allow",
                        ":" + echo.port(), "--allow", ":80", "--allow", "*.test", "--allow", "127.0.0.1:" + web.port());
                AlknetClient c = client(k, s)) {
            int before = echo.accepted.get();
            for (String host : LOOPBACK_SPELLINGS) {
                if (!host.endsWith(".test")) { // the proxy resolves names: only it could know what rebind.test is
                    assertEquals(E2e.FORBIDDEN, connectName(c, host, echo.port()), host + " through the proxy");
                }
            }
            for (String host : List.of("169.254.169.254", "0xa9fea9fe", "100.100.100.200", "fd00:ec2::254",
                    "metadata.google.internal")) {
                assertEquals(E2e.FORBIDDEN, connectName(c, host, 80), host + " through the proxy");
            }
            Curl.Result r = Curl.fetch("127.0.0.1:" + c.socksAddress().getPort(), "http://0x7f.1:" + echo.port()
                    + "/", k.dir().resolve("x"));
            assertEquals(97, r.exit(), "curl: SOCKS refusal, " + r.stderr());
            assertEquals(0, tap.accepted.get(), "the proxy was never asked");
            assertEquals(before, echo.accepted.get());

            // Allowed by the rule naming 127.0.0.1: sent to the proxy as the address 127.0.0.1, not as "0x7f.1".
            assertEquals(E2e.SUCCEEDED, connectName(c, "0x7f.1", web.port()));
            assertEquals(E2e.SUCCEEDED, connectName(c, "2130706433", web.port()));
            assertEquals(2, tap.accepted.get());
            byte[] asAddress = {5, 1, 0, 1, 127, 0, 0, 1, (byte) (web.port() >> 8), (byte) web.port()};
            assertTrue(tap.sawBytes(asAddress), "CONNECT 127.0.0.1 as an IPv4 address");
            for (String literal : List.of("0x7f", "127.1", "2130706433", "0177", "::ffff", "localhost", "rebind",
                    "metadata", "169.254")) {
                assertFalse(tap.sawText(literal), "the proxy got '" + literal + "'");
            }
        } finally {
            socks.destroy();
            socks.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** -R on a port below 1024 (the systemd unit lets the server bind them) needs permitlisten="PORT". */
    @Test
    void privilegedRemoteForwardNeedsPermitlistenNamingIt() throws Exception {
        E2e.Keys k = E2e.keys();
        int low = freePrivilegedPort();
        int high = E2e.freePort();
        String line = Files.readString(k.home().authorizedKeys()).strip();
        try (Cli.Running s = serve(k)) {
            int port = Integer.parseInt(ForwardFixtures.awaitGroup(s, "listening on tcp://127\\.0\\.0\\.1:(\\d+)"));
            String lowSpec = "127.0.0.1:" + low + ":127.0.0.1:" + web.port();
            String highSpec = "127.0.0.1:" + high + ":127.0.0.1:" + web.port();
            try (Cli.Running c = connect(k, port, lowSpec, highSpec)) {
                String refused = c.awaitLine(l -> l.contains("-R " + lowSpec), Duration.ofSeconds(30));
                assertTrue(refused.contains("server refused to listen on 127.0.0.1:" + low), refused);
                c.awaitLine(l -> l.contains("-R " + highSpec + ": server listening on 127.0.0.1:" + high),
                        Duration.ofSeconds(30));
                assertEquals(0, ForwardFixtures.curl("http://127.0.0.1:" + high + "/blob?size=1000&seed=8",
                        k.dir().resolve("high")), "-R above 1024 still works");
                assertTrue(s.stderrText().contains("refused tcpip-forward on '127.0.0.1' port " + low
                        + ": a port below 1024 needs a permitlisten naming it"), s.stderrText());
                assertFalse(canConnect(low), "nothing listens on " + low);
            }
            Files.writeString(k.home().authorizedKeys(), "permitlisten=\"localhost:*\",permitlisten=\"" + high + "\" "
                    + line + "\n");
            try (Cli.Running c = connect(k, port, lowSpec)) {
                String refused = c.awaitLine(l -> l.contains("-R " + lowSpec), Duration.ofSeconds(30));
                assertTrue(refused.contains("server refused to listen"), "a '*' port names no port: " + refused);
            }
            assumeTrue("root".equals(System.getProperty("user.name")), "binding a port below 1024 needs root");
            Files.writeString(k.home().authorizedKeys(), "permitlisten=\"" + low + "\" " + line + "\n");
            try (Cli.Running c = connect(k, port, lowSpec)) {
                c.awaitLine(l -> l.contains("-R " + lowSpec + ": server listening on 127.0.0.1:" + low),
                        Duration.ofSeconds(30));
                assertEquals(0, ForwardFixtures.curl("http://127.0.0.1:" + low + "/blob?size=1000&seed=9",
                        k.dir().resolve("low")), "named by permitlisten");
            }
        }
    }

    private static Cli.Running connect(E2e.Keys k, int serverPort, String... remoteForwards) throws Exception {
        List<String> args = new ArrayList<>(List.of("connect", "tcp://127.0.0.1:" + serverPort, "--home",
                k.dir().toString(), "--socks", "127.0.0.1:0"));
        for (String r : remoteForwards) {
            args.add("-R");
            args.add(r);
        }
        return Cli.Running.alknet(args.toArray(String[]::new));
    }

    /** A free port below 1024, from a random start so parallel runs rarely collide; bounded scan. */
    private static int freePrivilegedPort() throws Exception {
        int start = 600 + ThreadLocalRandom.current().nextInt(400);
        for (int i = 0; i < 400; i++) {
            int p = 600 + (start - 600 + i) % 424;
            if (!canConnect(p) && canBind(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no free port below 1024");
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (java.io.IOException e) {
            return e.getMessage() != null && e.getMessage().contains("ermission"); // non-root: free, not bindable here
        }
    }

    private static boolean canConnect(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int waitFor(int port, Process p) throws Exception {
        OpenSshInteropTest.waitForPort(port, p);
        return port;
    }

    /** This machine's addresses other than loopback and link-local (the "self" class). */
    private static List<String> ownAddresses() throws Exception {
        List<String> out = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    String h = a.getHostAddress();
                    out.add(h.contains("%") ? h.substring(0, h.indexOf('%')) : h);
                }
            }
        }
        return out;
    }
}
