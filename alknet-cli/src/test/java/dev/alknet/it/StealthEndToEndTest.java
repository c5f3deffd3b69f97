package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.client.AlknetClient;
import dev.alknet.client.ClientOptions;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code alknet serve --stealth} as a real process with tcp, tls and quic listeners: curl sees an nginx
 * site on the same ports where alknet clients (all three transports) and stock {@code ssh -D} get in.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StealthEndToEndTest {

    private static final long SIZE = 2L * 1024 * 1024;
    private static E2e.Keys keys;
    private static Path site;
    private static Cli.Running server;
    private static WebServer web;
    private static int tcpPort;
    private static int tlsPort;
    private static int quicPort;

    @BeforeAll
    static void start() throws Exception {
        keys = E2e.keys();
        site = Files.createDirectories(keys.dir().resolve("site"));
        Files.writeString(site.resolve("index.html"), "<html><body>a quiet web site</body></html>\n");
        server = Cli.Running.alknet("serve", "--home", keys.dir().toString(),
                "--listen", "tcp://127.0.0.1:0", "--listen", "tls://127.0.0.1:0", "--listen", "quic://127.0.0.1:0",
                "--stealth", "--stealth-site", site.toString(), "--stealth-timeout", "5s", "--allow", "loopback");
        tcpPort = Integer.parseInt(ForwardFixtures.awaitGroup(server, "listening on tcp://127\\.0\\.0\\.1:(\\d+) \\(stealth\\)"));
        tlsPort = Integer.parseInt(ForwardFixtures.awaitGroup(server, "listening on tls://127\\.0\\.0\\.1:(\\d+) \\(stealth\\)"));
        quicPort = Integer.parseInt(ForwardFixtures.awaitGroup(server, "listening on quic://127\\.0\\.0\\.1:(\\d+) \\(stealth\\)"));
        web = new WebServer();
    }

    @AfterAll
    static void stop() throws Exception {
        if (web != null) {
            web.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void curlSeesNginxOnEveryTcpPort() throws Exception {
        for (String url : new String[] {"http://127.0.0.1:" + tcpPort + "/", "https://127.0.0.1:" + tlsPort + "/"}) {
            Cli.Result r = Cli.runCommand(List.of("curl", "-sk", "-D", "-", url), java.util.Map.of(), Duration.ofSeconds(30));
            assertEquals(0, r.exit(), url + ": " + r.stderr());
            assertTrue(r.stdout().startsWith("HTTP/1.1 200 OK\r\nServer: nginx\r\n"), url + ": " + r.stdout());
            assertTrue(r.stdout().endsWith("\r\n\r\n<html><body>a quiet web site</body></html>\n"), r.stdout());
            assertFalse(r.stdout().contains("SSH-"));
            Cli.Result missing = Cli.runCommand(List.of("curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}",
                    url + "wp-login.php"), java.util.Map.of(), Duration.ofSeconds(30));
            assertEquals("404", missing.stdout());
        }
        // plain HTTP on the TLS port: nginx's own complaint
        Cli.Result plain = Cli.runCommand(List.of("curl", "-s", "http://127.0.0.1:" + tlsPort + "/"),
                java.util.Map.of(), Duration.ofSeconds(30));
        assertTrue(plain.stdout().contains("The plain HTTP request was sent to HTTPS port"), plain.stdout());
    }

    @Test
    void aSilentPeerIsDroppedWithoutAByte() throws Exception {
        for (int port : new int[] {tcpPort, tlsPort}) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                long t0 = System.nanoTime();
                InputStream in = s.getInputStream();
                assertEquals(-1, in.read());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 4800 && ms < 9000, "closed after " + ms + " ms");
            }
        }
    }

    @Test
    void alknetClientsGetInOverTcpTlsAndQuic() throws Exception {
        for (String scheme : new String[] {"tcp", "tls", "quic"}) {
            int port = scheme.equals("tcp") ? tcpPort : scheme.equals("tls") ? tlsPort : quicPort;
            ServerAddress target = ServerAddress.parse(scheme + "://127.0.0.1:" + port, false);
            ClientOptions options = new ClientOptions(target, Transports.create(scheme, TransportSettings.defaults()),
                    keys.identity(), keys.home().knownHosts(), HostKeyPolicy.TRUST_ON_FIRST_USE, null,
                    Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(15), 3);
            try (AlknetClient client = AlknetClient.start(options, new InetSocketAddress("127.0.0.1", 0))) {
                fetchAndCheck("127.0.0.1:" + client.socksAddress().getPort(), scheme);
            }
        }
    }

    @Test
    void stockSshGetsInOnTheStealthPort() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh")), "OpenSSH client not installed");
        int socks = E2e.freePort();
        Path log = keys.dir().resolve("ssh.log");
        List<String> cmd = new ArrayList<>(List.of("ssh", "-N", "-D", "127.0.0.1:" + socks,
                "-i", keys.home().identity().toString(), "-p", String.valueOf(tcpPort),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-F", "/dev/null", "-o", "ExitOnForwardFailure=yes", "alknet@127.0.0.1"));
        Process ssh = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            OpenSshInteropTest.waitForPort(socks, ssh);
            fetchAndCheck("127.0.0.1:" + socks, "ssh");
        } finally {
            ssh.destroy();
            ssh.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void fetchAndCheck(String socks, String what) throws Exception {
        Path out = keys.dir().resolve("got-" + what);
        Curl.Result r = Curl.fetch(socks, "http://localhost:" + web.port() + "/blob?size=" + SIZE + "&seed=3", out,
                "--retry", "3", "--retry-all-errors", "--retry-delay", "1");
        assertEquals(0, r.exit(), what + ": " + r.stderr());
        assertEquals(WebServer.Blob.sha256(SIZE, 3), Files2.sha256(out), what);
    }
}
