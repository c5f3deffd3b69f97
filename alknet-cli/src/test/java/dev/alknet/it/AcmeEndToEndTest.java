package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.transport.tls.TlsPins;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code alknet serve --tls-acme} against a real ACME CA (Debian's pebble, its DNS answering 127.0.0.1), two
 * servers at once: one proves its name by tls-alpn-01 on its own tls listener and renews (pebble's certificates
 * live 12 s, renewal at 2/3: 8 s) with the same key while a tunnel stays open; the other proves its name by http-01
 * through its stealth web front. The pebble root is trusted nowhere: the client pins the key.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AcmeEndToEndTest {

    private static final String ALPN_NAME = "alpn.acme-test.example.com";
    private static final String HTTP_NAME = "http.acme-test.example.com";

    private static Pebble pebble;
    private static E2e.Keys alpnKeys;
    private static E2e.Keys httpKeys;
    private static int alpnPort;
    private static int httpPort;
    private static int httpTlsPort;
    private static Cli.Running alpnServer;
    private static Cli.Running httpServer;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Pebble.installed(), "pebble not installed (apt-get install pebble)");
        alpnPort = E2e.freePort();
        httpPort = E2e.freePort();
        httpTlsPort = E2e.freePort();
        pebble = new Pebble(alpnPort, httpPort, 12);
        alpnKeys = E2e.keys();
        httpKeys = E2e.keys();
        alpnServer = Cli.Running.alknet("serve", "--home", alpnKeys.dir().toString(),
                "--listen", "tls://127.0.0.1:" + alpnPort, "--allow", "loopback", "--metrics", "127.0.0.1:0",
                "--tls-acme", ALPN_NAME, "--acme-email", "ops@example.com",
                "--acme-directory", pebble.directory(), "--acme-ca-cert", pebble.apiCert().toString(),
                "--acme-keep-key");
        httpServer = Cli.Running.alknet("serve", "--home", httpKeys.dir().toString(), "--stealth",
                "--listen", "tcp://127.0.0.1:" + httpPort, "--listen", "tls://127.0.0.1:" + httpTlsPort,
                "--tls-acme", HTTP_NAME, "--acme-challenge", "http-01",
                "--acme-directory", pebble.directory(), "--acme-ca-cert", pebble.apiCert().toString());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {alpnServer, httpServer, pebble}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void tlsAlpn01IssuesThenRenewsWithTheSameKeyWhileTheTunnelStaysUp() throws Exception {
        String metrics = ForwardFixtures.awaitGroup(alpnServer, "metrics on (http://127\\.0\\.0\\.1:\\d+/metrics)");
        alpnServer.awaitLine(l -> l.contains("ACME: certificate for " + ALPN_NAME + " issued"), Duration.ofSeconds(40));
        X509Certificate first = TlsPeek.leaf(alpnPort, ALPN_NAME);
        assertTrue(first.getIssuerX500Principal().getName().contains("Pebble"), first.toString());
        assertTrue(alpnServer.stderrText().contains("ACME: proving " + ALPN_NAME + " by tls-alpn-01"));
        Path acme = alpnKeys.dir().resolve("acme");
        for (String secret : new String[] {"account_key.pem", "key.pem"}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(acme.resolve(secret))));
        }
        String pin = TlsPins.of(first);
        try (E2e.EchoServer echo = new E2e.EchoServer(2);
                Cli.Running client = Cli.Running.alknet("connect", "tls://127.0.0.1:" + alpnPort, "--home",
                        alpnKeys.dir().toString(), "--socks", "127.0.0.1:0", "--tls-pin", pin,
                        "--tls-server-name", ALPN_NAME)) {
            int socks = Integer.parseInt(ForwardFixtures.awaitGroup(client, "SOCKS5h proxy on /127\\.0\\.0\\.1:(\\d+)"));
            client.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(30));
            try (Socket stream = TlsPeek.echoStream(socks, echo.port())) {
                // pebble's certificate lives 12 s: the renewal comes at 8 s
                E2e.await(() -> ForwardFixtures.count(alpnServer, "ACME: certificate for " + ALPN_NAME + " issued") >= 2,
                        Duration.ofSeconds(45), () -> "no renewal:\n" + alpnServer.stderrText());
                X509Certificate second = TlsPeek.leaf(alpnPort, ALPN_NAME);
                assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
                assertEquals(pin, TlsPins.of(second), "--acme-keep-key: the pin survives the renewal");
                TlsPeek.roundTrip(stream, "after the renewal");
                String s = TlsPeek.scrape(metrics);
                assertTrue(TlsPeek.metric(s, "alknet_tls_certificate_expiry_timestamp_seconds")
                        >= second.getNotAfter().toInstant().getEpochSecond(), s);
                assertEquals(1.0, TlsPeek.metric(s, "alknet_sessions_total"), s);
                assertEquals(0.0, TlsPeek.metric(s, "alknet_resumes_total"), s);
            }
            assertTrue(!client.stderrText().contains("tunnel up again"), client.stderrText());
        }
    }

    @Test
    void http01ThroughTheStealthWebFront() throws Exception {
        httpServer.awaitLine(l -> l.contains("ACME: certificate for " + HTTP_NAME + " issued"), Duration.ofSeconds(40));
        assertTrue(httpServer.stderrText().contains("ACME: proving " + HTTP_NAME + " by http-01"));
        X509Certificate cert = TlsPeek.leaf(httpTlsPort, HTTP_NAME);
        assertTrue(cert.getIssuerX500Principal().getName().contains("Pebble"), cert.toString());
        assertTrue(cert.getSubjectAlternativeNames().stream().anyMatch(n -> HTTP_NAME.equals(n.get(1))));
        // the token is withdrawn once validated: the web front answers as nginx does for any missing file
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort
                + "/.well-known/acme-challenge/x").toURL().openConnection();
        assertEquals(404, c.getResponseCode());
        assertEquals("nginx", c.getHeaderField("Server"));
    }
}
