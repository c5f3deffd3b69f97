package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.alknet.transport.stealth.StealthKey;
import dev.alknet.transport.tls.TlsCertificates;
import dev.alknet.transport.tls.TlsClientOptions;
import dev.alknet.transport.tls.TlsKeyMaterial;
import dev.alknet.transport.ws.WsOptions;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ws:// and wss:// with real parts: nginx serves a static site over TLS (the test's self-signed certificate) and
 * proxies {@code /assets/socket} to {@code alknet serve --listen ws://127.0.0.1:PORT/assets/socket}; a real
 * {@code alknet connect wss://...} goes through it (byte-exact through SOCKS, and its streams survive nginx being
 * restarted, which cuts the upgraded connection: the resumable layer carries them over). The same server's own tls
 * listener runs stealth with {@code --ws-path}: the path's Upgrade is SSH, every other request the web site; and a
 * strict stealth server takes its proof inside the socket.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebSocketEndToEndTest {

    private static final String PATH = "/assets/socket";
    private static final String PAGE = "<html><body>assets and sockets</body></html>\n";

    private static E2e.Keys keys;
    private static Cli.Running server;
    private static Cli.Running strict;
    private static Path strictHome;
    private static Nginx nginx;
    private static WebServer web;
    private static ServerSocket echo;
    private static int tlsPort;
    private static String serverPin;
    private static String nginxPin;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Nginx.BINARY), "nginx not installed (apt-get install nginx-light)");
        keys = E2e.keys();
        Path site = Files.createDirectories(keys.dir().resolve("site"));
        Files.writeString(site.resolve("index.html"), PAGE);
        int backend = E2e.freePort();
        server = Cli.Running.alknet("serve", "--home", keys.dir().toString(),
                "--listen", "ws://127.0.0.1:" + backend + PATH, "--listen", "tls://127.0.0.1:0",
                "--stealth", "--stealth-site", site.toString(), "--ws-path", PATH, "--stealth-timeout", "10s",
                "--allow", "loopback");
        // started beside the first (their JVM starts overlap), in a home of its own (certificate, stealth key)
        strictHome = Files.createDirectories(keys.dir().resolve("strict-home"));
        Files.copy(keys.home().authorizedKeys(), strictHome.resolve("authorized_keys"));
        strict = Cli.Running.alknet("serve", "--home", strictHome.toString(),
                "--listen", "tls://127.0.0.1:0", "--stealth=strict", "--stealth-site", site.toString(),
                "--ws-path", PATH, "--print-share", "--allow", "loopback");
        serverPin = ForwardFixtures.awaitGroup(server, "TLS certificate pin (sha256/\\S+)");
        tlsPort = Integer.parseInt(ForwardFixtures.awaitGroup(server,
                "listening on tls://127\\.0\\.0\\.1:(\\d+) \\(stealth\\)"));
        ForwardFixtures.awaitGroup(server, "listening on (ws)://127\\.0\\.0\\.1:" + backend);

        Path nginxDir = Files.createDirectories(keys.dir().resolve("nginx"));
        TlsKeyMaterial cert = TlsCertificates.loadOrCreate(nginxDir, "site.test");
        nginxPin = cert.pin();
        nginx = new Nginx(nginxDir, E2e.freePort(), nginxDir.resolve(TlsCertificates.CERT_FILE),
                nginxDir.resolve(TlsCertificates.KEY_FILE), site, PATH, backend);
        web = new WebServer();
        echo = echoServer();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {nginx, web, echo, server, strict}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void throughNginxByteExactAndResumedAcrossANginxRestart() throws Exception {
        int socks = E2e.freePort();
        try (Cli.Running client = Cli.Running.alknet("connect", "wss://127.0.0.1:" + nginx.port() + PATH,
                "--home", keys.dir().toString(), "--tls-pin", nginxPin, "--ws-host", "site.test",
                "--socks", "127.0.0.1:" + socks)) {
            ForwardFixtures.awaitGroup(client, "(SOCKS5h proxy on)");
            String proxy = "127.0.0.1:" + socks;
            long size = 4L << 20;
            Path out = keys.dir().resolve("nginx-blob");
            Curl.Result r = Curl.fetch(proxy, "http://127.0.0.1:" + web.port() + "/blob?size=" + size + "&seed=7", out);
            assertEquals(0, r.exit(), r.stderr() + client.stderrText() + nginx.errorLog());
            assertEquals(WebServer.Blob.sha256(size, 7), sha256(out), "4 MiB through nginx, byte-exact");

            // the site still answers its pages beside the socket
            Cli.Result page = Cli.runCommand(Nginx.curl("-D", "-", "https://127.0.0.1:" + nginx.port() + "/"), Map.of(),
                    Duration.ofSeconds(20));
            assertTrue(page.stdout().startsWith("HTTP/1.1 200 OK\r\n"), page.stdout());
            assertTrue(page.stdout().endsWith(PAGE), page.stdout());

            // an open stream through SOCKS survives nginx going away and coming back
            try (Socket s = E2e.socksSocket(socks)) {
                s.getOutputStream().write(E2e.request(E2e.CONNECT, "127.0.0.1", echo.getLocalPort()));
                assertEquals(E2e.SUCCEEDED, E2e.readReply(s.getInputStream()));
                s.setSoTimeout(60_000);
                byte[] before = random(256 << 10, 1);
                assertArrayEquals(before, echoed(s, before));
                nginx.restart();
                byte[] after = random(256 << 10, 2);
                assertArrayEquals(after, echoed(s, after), "the stream after the carrier was cut");
            }
            assertTrue(client.stderrText().contains("resumed after"), client.stderrText());
            assertFalse(client.stderrText().contains("Exception"), client.stderrText());
        }
    }

    @Test
    void ownTlsListenerRoutesThePathAndServesTheSiteElsewhere() throws Exception {
        int socks = E2e.freePort();
        try (ConnectProxy via = new ConnectProxy();
                Cli.Running client = Cli.Running.alknet("connect", "wss://127.0.0.1:" + tlsPort + PATH,
                        "--home", keys.dir().toString(), "--tls-pin", serverPin, "--via", "http://127.0.0.1:" + via.port(),
                        "--socks", "127.0.0.1:" + socks)) {
            ForwardFixtures.awaitGroup(client, "(SOCKS5h proxy on)");
            long size = 2L << 20;
            Path out = keys.dir().resolve("stealth-blob");
            Curl.Result r = Curl.fetch("127.0.0.1:" + socks,
                    "http://127.0.0.1:" + web.port() + "/blob?size=" + size + "&seed=8", out);
            assertEquals(0, r.exit(), r.stderr() + client.stderrText());
            assertEquals(WebServer.Blob.sha256(size, 8), sha256(out), "2 MiB over wss to the stealth listener, via a proxy");
        }
        String base = "https://127.0.0.1:" + tlsPort;
        Cli.Result page = Cli.runCommand(Nginx.curl("-D", "-", base + "/"), Map.of(), Duration.ofSeconds(20));
        assertTrue(page.stdout().startsWith("HTTP/1.1 200 OK\r\nServer: nginx\r\n"), page.stdout());
        assertTrue(page.stdout().endsWith(PAGE), page.stdout());
        // the socket's path without an Upgrade, and an Upgrade for another path: the site's 404, as nginx's
        for (List<String> cmd : List.of(Nginx.curl("-D", "-", "-o", "/dev/null", base + PATH),
                Nginx.curl("--http1.1", "-D", "-", "-o", "/dev/null", "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
                        "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                        base + "/assets/other"))) {
            Cli.Result miss = Cli.runCommand(cmd, Map.of(), Duration.ofSeconds(20));
            assertTrue(miss.stdout().startsWith("HTTP/1.1 404 Not Found\r\nServer: nginx\r\n"), cmd + ": " + miss.stdout());
        }
        // and the path's Upgrade itself is answered, as by any site with a socket there
        Cli.Result upgrade = Cli.runCommand(Nginx.curl("--http1.1", "-D", "-", "-o", "/dev/null", "--max-time", "3",
                "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13",
                "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", base + PATH), Map.of(), Duration.ofSeconds(20));
        assertTrue(upgrade.stdout().startsWith("HTTP/1.1 101 Switching Protocols\r\n"), upgrade.stdout());
        assertFalse(upgrade.stdout().contains("SSH-"), upgrade.stdout());
    }

    @Test
    void strictStealthProvesInsideTheSocket() throws Exception {
        String strictPin = ForwardFixtures.awaitGroup(strict, "TLS certificate pin (sha256/\\S+)");
        String share = ForwardFixtures.awaitGroup(strict, "share: (alknet://wss/\\S+)");
        assertTrue(share.contains(PATH + "?key="), share);
        assertTrue(share.contains("&pin=" + URLEncoder.encode(strictPin, StandardCharsets.UTF_8)), share);
        // the client in this JVM (one process less), with what the share string says: key, path, pin
        StealthKey key = StealthKey.load(strictHome.resolve(StealthKey.FILE));
        int port = Integer.parseInt(share.replaceFirst("^alknet://wss/127\\.0\\.0\\.1:(\\d+)/.*$", "$1"));
        TransportSettings settings = TransportSettings.builder().connectTimeout(Duration.ofSeconds(20))
                .stealthKey(key).tlsClient(new TlsClientOptions(strictPin, false, null))
                .ws(new WsOptions(PATH, null)).build();
        ClientOptions options = new ClientOptions(ServerAddress.parse("wss://127.0.0.1:" + port + PATH, false),
                Transports.create("wss", settings), keys.identity(), keys.home().knownHosts(),
                HostKeyPolicy.TRUST_ON_FIRST_USE, null, Duration.ofSeconds(20), Duration.ofSeconds(20),
                Duration.ofSeconds(15), 3);
        try (AlknetClient client = AlknetClient.start(options, new InetSocketAddress("127.0.0.1", 0))) {
            long size = 1L << 20;
            Path out = keys.dir().resolve("strict-blob");
            Curl.Result r = Curl.fetch("127.0.0.1:" + client.socksAddress().getPort(),
                    "http://127.0.0.1:" + web.port() + "/blob?size=" + size + "&seed=9", out);
            assertEquals(0, r.exit(), r.stderr() + strict.stderrText());
            assertEquals(WebServer.Blob.sha256(size, 9), sha256(out), "strict proof inside the WebSocket");
        }
    }

    // ---- helpers

    private static byte[] echoed(Socket s, byte[] data) throws Exception {
        OutputStream out = s.getOutputStream();
        Thread writer = E2e.daemon("echo-writer", () -> {
            try {
                out.write(data); // beside the reads: a tunnel full both ways must not stall the test
                out.flush();
            } catch (java.io.IOException e) {
                // the read below fails then
            }
        });
        byte[] got = new byte[data.length];
        new DataInputStream(s.getInputStream()).readFully(got);
        writer.join(10_000);
        return got;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file)));
    }

    /** Echoes every connection until it ends (daemon threads). */
    private static ServerSocket echoServer() throws Exception {
        ServerSocket ss = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        E2e.daemon("echo-accept", () -> {
            while (!ss.isClosed()) {
                try {
                    Socket c = ss.accept();
                    E2e.daemon("echo", () -> {
                        try (c; InputStream in = c.getInputStream(); OutputStream o = c.getOutputStream()) {
                            in.transferTo(o);
                        } catch (Exception e) {
                            // the test ended the connection
                        }
                    });
                } catch (Exception e) {
                    return;
                }
            }
        });
        return ss;
    }
}
