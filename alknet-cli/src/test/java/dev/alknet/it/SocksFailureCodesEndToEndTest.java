package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.client.AlknetClient;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every RFC 1928 reply code the issue lists, produced for real through the real alknet server and client. The kernel
 * outcomes that depend on routing (ENETUNREACH, EHOSTUNREACH, a dropped SYN) are made deterministic by running the
 * server and client processes inside network namespaces the test creates; the machine's own namespace is untouched.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(FailOnLoopStall.class)
class SocksFailureCodesEndToEndTest {

    private static final String DENIED = "denied.example";
    private static final String NS = "alkt" + ProcessHandle.current().pid();
    private static final String NS_A = NS + "a";
    private static final String NS_B = NS + "b";

    private static E2e.Keys keys;
    private static E2e.Server server;
    private static AlknetClient client;
    private static E2e.EchoServer echo;

    @BeforeAll
    static void start() throws Exception {
        keys = E2e.keys();
        echo = new E2e.EchoServer(4);
        server = E2e.server(keys, (host, port, session) -> !DENIED.equalsIgnoreCase(host));
        client = AlknetClient.start(E2e.clientOptions(keys, server.port()), new InetSocketAddress("127.0.0.1", 0));
        client.sessions().session().get(15, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (echo != null) {
            echo.close();
        }
        deleteNamespaces();
    }

    private static int socks() {
        return client.socksAddress().getPort();
    }

    @Test
    void closedPortIsConnectionRefused05() throws Exception {
        int closed = E2e.freePort();
        assertEquals(E2e.REFUSED, E2e.connect(socks(), "127.0.0.1", closed));
        assertEquals(E2e.REFUSED, E2e.connect(socks(), "localhost", closed));
        assertEquals(E2e.REFUSED, E2e.connect(socks(), "::1", closed));
    }

    @Test
    void unresolvableNameIsHostUnreachable04() throws Exception {
        assertEquals(E2e.HOST_UNREACHABLE, E2e.connect(socks(), "nonexistent.invalid", 80));
    }

    @Test
    void deniedByPolicyIsForbidden02WhileOthersPass() throws Exception {
        int before = server.channels.created.get();
        assertEquals(E2e.FORBIDDEN, E2e.connect(socks(), DENIED, 80));
        assertEquals(E2e.FORBIDDEN, E2e.connect(socks(), "DENIED.example", echo.port()));
        assertEquals(before + 2, server.channels.created.get(), "the server, not the client, refused");
        // The same session still carries streams the policy allows.
        try (Socket s = E2e.socksSocket(socks())) {
            s.getOutputStream().write(E2e.request(E2e.CONNECT, "localhost", echo.port()));
            assertEquals(E2e.SUCCEEDED, E2e.readReply(s.getInputStream()));
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(hello);
            s.shutdownOutput();
            assertArrayEquals(hello, s.getInputStream().readAllBytes());
        }
    }

    /** UDP ASSOCIATE is supported now (issue 2 said "for now 0x07"); its own tests cover it. */
    @Test
    void bindIsCommandNotSupported07() throws Exception {
        int before = server.channels.created.get();
        assertEquals(E2e.COMMAND_UNSUPPORTED, E2e.ask(socks(), E2e.BIND, "127.0.0.1", echo.port()));
        assertEquals(E2e.COMMAND_UNSUPPORTED, E2e.ask(socks(), E2e.BIND, "::1", echo.port()));
        assertEquals(E2e.COMMAND_UNSUPPORTED, E2e.ask(socks(), E2e.BIND, "localhost", 80));
        assertEquals(before, server.channels.created.get(), "answered by the client without opening a channel");
    }

    @Test
    void serverGoneIsGeneralFailure01AfterConnectWait() throws Exception {
        E2e.Keys k = E2e.keys();
        E2e.Server gone = E2e.server(k, (h, p, s) -> true);
        try (AlknetClient c = AlknetClient.start(E2e.clientOptions(k.identity(), k.home().knownHosts(), gone.port(),
                HostKeyPolicy.TRUST_ON_FIRST_USE, null, Duration.ofSeconds(1)), new InetSocketAddress("127.0.0.1", 0))) {
            ClientSession session = (ClientSession) c.sessions().session().get(15, TimeUnit.SECONDS).mina();
            int port = c.socksAddress().getPort();
            assertEquals(E2e.SUCCEEDED, E2e.connect(port, "127.0.0.1", echo.port()));
            gone.close();
            E2e.await(() -> !session.isOpen(), Duration.ofSeconds(10), () -> "client noticing the server is gone");
            long start = System.nanoTime();
            assertEquals(E2e.GENERAL_FAILURE, E2e.connect(port, "127.0.0.1", echo.port()));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 800 && ms < 5_000, "answered after the 1 s connect-wait, took " + ms + " ms");
        } finally {
            gone.close();
        }
    }

    @Test
    void cliConnectWithoutServerIsGeneralFailure01AfterConnectWait() throws Exception {
        E2e.Keys k = E2e.keys();
        int socksPort = E2e.freePort();
        try (Cli.Running c = Cli.Running.alknet("connect", "tcp://127.0.0.1:" + E2e.freePort(), "--home",
                k.dir().toString(), "--socks", "127.0.0.1:" + socksPort, "--connect-wait", "1s")) {
            c.awaitLine(l -> l.startsWith("SOCKS5h proxy on"), Duration.ofSeconds(30));
            long start = System.nanoTime();
            assertEquals(E2e.GENERAL_FAILURE, E2e.connect(socksPort, "127.0.0.1", echo.port()));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 800 && ms < 5_000, "answered after the 1 s --connect-wait, took " + ms + " ms");
            assertEquals(0, c.terminate(Duration.ofSeconds(5)), c.stderrText());
        }
    }

    /**
     * Network unreachable (no route), host unreachable (an {@code unreachable} route) and timeout (a route through a
     * veth pair into a second namespace that does not forward, so the SYN is dropped without an ICMP answer), plus
     * refused, all through {@code alknet serve} and {@code alknet connect} processes running in namespace A.
     */
    @Test
    void kernelOutcomesInsideANetworkNamespace() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create network namespaces");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                || Files.isExecutable(Path.of("/usr/bin/ip")), "iproute2 'ip' not installed");
        deleteNamespaces();
        assumeTrue(ip("netns", "add", NS_A).exit() == 0, "cannot create a network namespace here");
        ok(ip("netns", "add", NS_B));
        ok(ip("-n", NS_A, "link", "set", "lo", "up"));
        ok(ip("-n", NS_B, "link", "set", "lo", "up"));
        ok(ip("-n", NS_A, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", NS_B));
        ok(ip("-n", NS_A, "addr", "add", "10.203.0.1/30", "dev", "va"));
        ok(ip("-n", NS_B, "addr", "add", "10.203.0.2/30", "dev", "vb"));
        ok(ip("-n", NS_A, "link", "set", "va", "up"));
        ok(ip("-n", NS_B, "link", "set", "vb", "up"));
        ok(run("ip", "netns", "exec", NS_B, "sh", "-c", "echo 0 > /proc/sys/net/ipv4/ip_forward"));
        ok(ip("-n", NS_A, "route", "add", "203.0.113.0/24", "via", "10.203.0.2")); // B drops it: timeout
        ok(ip("-n", NS_A, "route", "add", "unreachable", "198.51.100.0/24")); // EHOSTUNREACH
        // 192.0.2.0/24 has no route in A at all: ENETUNREACH.

        E2e.Keys k = E2e.keys();
        List<String> inA = List.of("ip", "netns", "exec", NS_A);
        try (Cli.Running serve = Cli.Running.start(Cli.command(inA, "dev.alknet.cli.Main", "serve", "--home",
                k.dir().toString(), "--listen", "tcp://127.0.0.1:2222", "--allow", "loopback"), Map.of());
                Cli.Running connect = startConnectWhenListening(serve, inA, k)) {
            connect.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(30));
            Cli.Result probe = Cli.runCommand(Cli.command(inA, NetnsProbe.class.getName(), "1080",
                    "192.0.2.1:80", "198.51.100.1:80", "203.0.113.1:80", "127.0.0.1:9"), Map.of(), Duration.ofSeconds(40));
            assertEquals(0, probe.exit(), probe.toString());
            Map<String, long[]> got = new HashMap<>();
            for (String line : probe.stdout().lines().toList()) {
                String[] f = line.split(" ");
                got.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
            String all = probe.stdout() + "\nserver:\n" + serve.stderrText();
            assertEquals(E2e.NETWORK_UNREACHABLE, (int) got.get("192.0.2.1:80")[0], all);
            assertEquals(E2e.HOST_UNREACHABLE, (int) got.get("198.51.100.1:80")[0], all);
            assertEquals(E2e.TTL_EXPIRED, (int) got.get("203.0.113.1:80")[0], all);
            assertEquals(E2e.REFUSED, (int) got.get("127.0.0.1:9")[0], all);
            long timeoutMs = got.get("203.0.113.1:80")[1];
            assertTrue(timeoutMs >= 9_000 && timeoutMs < 25_000,
                    "timeout came from the server's 10 s connect timeout, took " + timeoutMs + " ms");
            assertEquals(0, connect.terminate(Duration.ofSeconds(5)), connect.stderrText());
            assertEquals(0, serve.terminate(Duration.ofSeconds(5)), serve.stderrText());
        } finally {
            deleteNamespaces();
        }
    }

    private static Cli.Running startConnectWhenListening(Cli.Running serve, List<String> inA, E2e.Keys k)
            throws IOException, InterruptedException {
        serve.awaitLine(l -> l.contains("listening on tcp://127.0.0.1:2222"), Duration.ofSeconds(30));
        return Cli.Running.start(Cli.command(inA, "dev.alknet.cli.Main", "connect", "tcp://127.0.0.1:2222",
                "--home", k.dir().toString(), "--socks", "127.0.0.1:1080"), Map.of());
    }

    private static void deleteNamespaces() throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return;
        }
        for (String ns : List.of(NS_A, NS_B)) {
            if (Files.exists(Path.of("/var/run/netns", ns)) || Files.exists(Path.of("/run/netns", ns))) {
                run("ip", "netns", "del", ns);
            }
        }
    }

    private static Cli.Result ip(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ip";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return run(cmd);
    }

    private static Cli.Result run(String... cmd) throws IOException, InterruptedException {
        return Cli.runCommand(List.of(cmd), Map.of(), Duration.ofSeconds(10));
    }

    private static void ok(Cli.Result r) {
        assertEquals(0, r.exit(), r.toString());
    }
}
