package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.client.AlknetClient;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code alknet serve --outbound-proxy}: every egress through a real SOCKS5 proxy (microsocks) or an HTTP CONNECT
 * proxy. The server JVM resolves names only from its own hosts file ({@code jdk.net.hosts.file}) that lacks this
 * machine's host name, so a fetch of {@code http://<hostname>:...} only works if the proxy resolved the name, and a name
 * only in that file ({@code only-server.test}) only works if the server did.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutboundProxyEndToEndTest {

    private static WebServer web;
    private static E2e.EchoServer echo;

    @BeforeAll
    static void start() throws Exception {
        web = new WebServer();
        echo = new E2e.EchoServer(2);
    }

    @AfterAll
    static void stop() throws Exception {
        web.close();
        echo.close();
    }

    /** {@code alknet serve} that resolves only only-server.test, loopback allowed to the test servers only. */
    private static Cli.Running serve(E2e.Keys k, String... extra) throws Exception {
        Path hosts = k.dir().resolve("server-hosts");
        Files.writeString(hosts, "127.0.0.1 only-server.test\n");
        List<String> cmd = Cli.command(List.of(), "dev.alknet.cli.Main", concat(new String[] {"serve", "--home",
                k.dir().toString(), "--listen", "tcp://127.0.0.1:0", "--allow", "loopback:" + web.port(), "--allow",
                "loopback:" + echo.port()}, extra));
        cmd.add(1, "-Djdk.net.hosts.file=" + hosts);
        return Cli.Running.start(cmd, Map.of());
    }

    private static AlknetClient client(E2e.Keys k, Cli.Running serve) throws Exception {
        int port = Integer.parseInt(ForwardFixtures.awaitGroup(serve, "listening on tcp://127\\.0\\.0\\.1:(\\d+)"));
        AlknetClient c = AlknetClient.start(E2e.clientOptions(k, port), new InetSocketAddress("127.0.0.1", 0));
        c.sessions().session().get(15, TimeUnit.SECONDS);
        return c;
    }

    /** This machine's name: the proxy (system resolver) knows it, the server JVM (its hosts file) does not. */
    private static String hostName() throws Exception {
        String name = java.net.InetAddress.getLocalHost().getHostName();
        assumeTrue(!name.equalsIgnoreCase("localhost") && !name.contains(":") && !name.matches("[0-9.]+"),
                "this machine has no usable host name");
        java.net.InetAddress.getAllByName(name);
        return name;
    }

    private static Process microsocks(int port) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/microsocks", "-i", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        OpenSshInteropTest.waitForPort(port, p);
        return p;
    }

    @Test
    void socks5hProxyResolvesNamesAndRepliesPassThrough() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/microsocks")), "microsocks not installed");
        int proxyPort = E2e.freePort();
        Process socks = microsocks(proxyPort);
        E2e.Keys k = E2e.keys();
        try (Cli.Running serve = serve(k, "--outbound-proxy", "socks5h://127.0.0.1:" + proxyPort);
                AlknetClient c = client(k, serve)) {
            int port = c.socksAddress().getPort();
            Path out = k.dir().resolve("got");
            Curl.Result r = Curl.fetch("127.0.0.1:" + port, "http://" + hostName() + ":" + web.port()
                    + "/blob?size=1000000&seed=4", out);
            assertEquals(0, r.exit(), r.stderr() + serve.stderrText());
            assertEquals(WebServer.Blob.sha256(1_000_000, 4), Files2.sha256(out));
            assertEquals(E2e.REFUSED, E2e.connect(port, hostName(), E2e.freePort()), "upstream 0x05 passes through");
            assertEquals(E2e.FORBIDDEN, E2e.connect(port, "localhost", E2e.freePort()), "loopback by name, not allowed");
            assertNotEquals(E2e.SUCCEEDED, E2e.connect(port, "nonexistent.invalid", 80));
            assertEquals(E2e.FORBIDDEN, E2e.connect(port, "169.254.169.254", 80), "policy before the proxy");
            assertEquals("220 hello", bannerThrough(port), "a server that speaks first loses no byte");
            assertTrue(serve.stderrText().contains("UDP ASSOCIATE is refused"), serve.stderrText());
            assertEquals(E2e.COMMAND_UNSUPPORTED, E2e.ask(port, E2e.UDP_ASSOCIATE, "0.0.0.0", 0),
                    "UDP cannot go through the proxy, so it does not go at all");
        } finally {
            socks.destroy();
            socks.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void plainSocks5MeansTheServerResolves() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/microsocks")), "microsocks not installed");
        int proxyPort = E2e.freePort();
        Process socks = microsocks(proxyPort);
        E2e.Keys k = E2e.keys();
        try (Cli.Running serve = serve(k, "--outbound-proxy", "socks5://127.0.0.1:" + proxyPort);
                AlknetClient c = client(k, serve)) {
            int port = c.socksAddress().getPort();
            assertEquals(E2e.HOST_UNREACHABLE, E2e.connect(port, hostName(), echo.port()),
                    "the server resolves (and cannot), the proxy is not asked");
            assertEquals(E2e.SUCCEEDED, E2e.connect(port, "only-server.test", echo.port()),
                    "only the server can resolve this name: it sent the address");
            assertEquals(E2e.FORBIDDEN, E2e.connect(port, "only-server.test", 9), "the resolved address meets the policy");
        } finally {
            socks.destroy();
            socks.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void httpConnectProxy() throws Exception {
        E2e.Keys k = E2e.keys();
        try (ConnectProxy proxy = new ConnectProxy();
                Cli.Running serve = serve(k, "--outbound-proxy", "http://127.0.0.1:" + proxy.port());
                AlknetClient c = client(k, serve)) {
            Path out = k.dir().resolve("got");
            Curl.Result r = Curl.fetch("127.0.0.1:" + c.socksAddress().getPort(), "http://" + hostName() + ":"
                    + web.port() + "/blob?size=1000000&seed=5", out);
            assertEquals(0, r.exit(), r.stderr() + serve.stderrText());
            assertEquals(WebServer.Blob.sha256(1_000_000, 5), Files2.sha256(out));
            assertTrue(proxy.tunnels.get() >= 1, "through the proxy");
        }
    }

    @Test
    void proxyDownIsGeneralFailureAndNothingGoesDirect() throws Exception {
        E2e.Keys k = E2e.keys();
        int dead = E2e.freePort();
        try (Cli.Running serve = serve(k, "--outbound-proxy", "socks5h://127.0.0.1:" + dead);
                AlknetClient c = client(k, serve)) {
            int port = c.socksAddress().getPort();
            int before = echo.accepted.get();
            assertEquals(E2e.GENERAL_FAILURE, E2e.connect(port, "127.0.0.1", echo.port()));
            assertEquals(E2e.GENERAL_FAILURE, E2e.connect(port, "localhost", echo.port()));
            Curl.Result r = Curl.fetch("127.0.0.1:" + port, "http://127.0.0.1:" + echo.port() + "/", k.dir()
                    .resolve("x"));
            assertEquals(97, r.exit(), "curl: SOCKS failure, " + r.stderr());
            assertEquals(before, echo.accepted.get(), "no direct connection");
        }
    }

    /** Through the tunnel (by host name, so the proxy resolves) to a one-shot server that greets first, like SMTP. */
    private static String bannerThrough(int socksPort) throws Exception {
        try (java.net.ServerSocket greeter = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("::"))) {
            greeter.setSoTimeout(20_000);
            Thread t = E2e.daemon("greeter", () -> {
                try (java.net.Socket s = greeter.accept()) {
                    s.getOutputStream().write("220 hello\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    s.getInputStream().read();
                } catch (java.io.IOException e) {
                    // the assertion below reports it
                }
            });
            try (java.net.Socket s = E2e.socksSocket(socksPort)) {
                s.getOutputStream().write(E2e.request(E2e.CONNECT, hostName(), greeter.getLocalPort()));
                assertEquals(E2e.SUCCEEDED, E2e.readReply(s.getInputStream()));
                String line = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
                t.join(5_000);
                return line.trim();
            }
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
