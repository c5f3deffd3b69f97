package dev.alknet.server.stealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.transport.tls.TlsCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The probe set against a real nginx and against alknet in stealth mode, serving the same directory with
 * the same certificate: status line, header names and order, body, and how the connection ends
 * (keep-alive, close, lingering close) must be the same. The only intended difference: a peer whose first
 * bytes are {@code SSH-2.0-} gets SSH from alknet (compatible level) and a 400 from nginx.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NginxReferenceTest {

    /** client_header_timeout of both (nginx also bounds its TLS handshake with it: not too short on a busy machine). */
    private static final int HEADER_TIMEOUT_S = 4;
    /** How long a probe waits for more (keep-alive connections stay open); probes run in parallel. */
    private static final Duration WAIT = Duration.ofMillis(1500);

    private static StealthServer alknet;
    private static Nginx nginx;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Nginx.installed(), "nginx not installed (apt-get install nginx-light)");
        Path site = ProbeSet.site(java.nio.file.Files.createTempDirectory("alknet-site-"));
        alknet = StealthServer.start(StealthOptions.compatible(Duration.ofSeconds(HEADER_TIMEOUT_S), site, null),
                "tcp", "tls");
        // nginx gets the self-signed certificate alknet made for its tls listener
        nginx = Nginx.start(alknet.dir, site, alknet.dir.resolve(TlsCertificates.CERT_FILE),
                alknet.dir.resolve(TlsCertificates.KEY_FILE), HEADER_TIMEOUT_S);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (alknet != null) {
            alknet.close();
        }
    }

    private static void same(String name, Probe.Result ref, Probe.Result ours) {
        assertEquals(ref.shape(), ours.shape(), name + "\n--- nginx:\n" + ref + "\n--- alknet:\n" + ours);
        String refBody = ref.body();
        String ourBody = ours.body();
        assertEquals(refBody, ourBody, name + ": body");
        for (String h : new String[] {"Content-Type", "Content-Length", "ETag", "Last-Modified", "Content-Range",
                "Accept-Ranges", "Connection"}) {
            assertEquals(ref.header(h), ours.header(h), name + ": " + h);
        }
        String refLocation = ref.header("Location");
        if (refLocation != null) {
            assertEquals(refLocation.replace(":" + nginx.httpPort, ":PORT").replace(":" + nginx.httpsPort, ":PORT"),
                    ours.header("Location").replace(":" + alknet.port("tcp"), ":PORT")
                            .replace(":" + alknet.port("tls"), ":PORT"), name + ": Location");
        }
        assertFalse(ours.sentSsh(), name + ": alknet sent SSH bytes");
    }

    /** One more try if the socket broke under the client's own handshake (a loaded machine), not a verdict. */
    private static Probe.Result retried(java.util.concurrent.Callable<Probe.Result> probe) throws Exception {
        try {
            return probe.call();
        } catch (java.net.SocketException e) {
            return probe.call();
        }
    }

    @Test
    void plainPortProbes() throws Exception {
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Probe.parallel(List.copyOf(ProbeSet.plain().entrySet()), p -> {
            Probe.Result ref = Probe.tcp(nginx.httpPort, p.getValue(), WAIT);
            Probe.Result ours = Probe.tcp(alknet.port("tcp"), p.getValue(), WAIT);
            try {
                same("tcp " + p.getKey(), ref, ours);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        });
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    @Test
    void tlsProbesPerAlpnOffer() throws Exception {
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        String[][] offers = {null, {"http/1.1"}, {"h2"}, {"h2", "http/1.1"}, {"spdy/3", "foo"}};
        Map<String, byte[]> probes = ProbeSet.plain();
        List<Object[]> cases = new ArrayList<>();
        for (String[] alpn : offers) {
            for (String name : new String[] {"GET /", "GET /missing", "HEAD /", "OPTIONS /", "garbage", "GET / HTTP/1.0",
                    "GET /sub (dir)"}) {
                cases.add(new Object[] {alpn, name});
            }
        }
        Probe.parallel(cases, 4, c -> {
            String[] alpn = (String[]) c[0];
            String name = (String) c[1];
            {
                Probe.Result ref = retried(() -> Probe.tls(nginx.httpsPort, alpn, probes.get(name), WAIT));
                Probe.Result ours = retried(() -> Probe.tls(alknet.port("tls"), alpn, probes.get(name), WAIT));
                try {
                    same("tls alpn=" + (alpn == null ? "none" : String.join(",", alpn)) + " " + name, ref, ours);
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                }
            }
        });
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    @Test
    void plaintextOnTheTlsPort() throws Exception {
        List<String> failures = new ArrayList<>();
        Map<String, byte[]> probes = ProbeSet.plain();
        for (String name : new String[] {"GET /", "HEAD /", "garbage", "GET / no Host", "GET traversal"}) {
            Probe.Result ref = Probe.tcp(nginx.httpsPort, probes.get(name), WAIT);
            Probe.Result ours = Probe.tcp(alknet.port("tls"), probes.get(name), WAIT);
            try {
                same("plaintext on tls port: " + name, ref, ours);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    @Test
    void silenceAndSlowHeadersAreDroppedAtTheHeaderTimeout() throws Exception {
        Duration wait = Duration.ofSeconds(HEADER_TIMEOUT_S + 3);
        byte[] partial = Probe.ascii("GET / HTTP/1.1\r\nHost: localhost\r\n");
        List<int[]> cases = List.of(new int[] {0, 0}, new int[] {0, 1}, new int[] {1, 0}, new int[] {1, 1});
        Probe.parallel(cases, c -> {
            int port = c[0];
            Probe.Result[] r = new Probe.Result[2];
            int[] ports = port == 0 ? new int[] {nginx.httpPort, alknet.port("tcp")}
                    : new int[] {nginx.httpsPort, alknet.port("tls")};
            byte[] send = c[1] == 0 ? new byte[0] : partial;
            {
                for (int i = 0; i < 2; i++) {
                    r[i] = Probe.tcp(ports[i], send, wait);
                }
                String what = (port == 0 ? "plain" : "tls") + " port, " + (send.length == 0 ? "silence" : "partial head");
                assertEquals(r[0].shape(), r[1].shape(), what + "\n" + r[0] + "\n" + r[1]);
                assertEquals(0, r[1].bytes().length, what);
                assertTrue(Math.abs(r[0].millis() - r[1].millis()) < 1500,
                        what + ": nginx closed after " + r[0].millis() + " ms, alknet after " + r[1].millis());
            }
        });
    }

    @Test
    void anSshBannerGetsSshFromAlknetAndA400FromNginx() throws Exception {
        byte[] banner = Probe.ascii(ProbeSet.SSH_BANNER);
        Probe.Result ref = Probe.tcp(nginx.httpPort, banner, WAIT);
        Probe.Result ours = Probe.tcp(alknet.port("tcp"), banner, Duration.ofSeconds(10), 40);
        assertEquals("HTTP/1.1 400 Bad Request", ref.statusLine());
        assertTrue(ours.text().startsWith("SSH-2.0-" + dev.alknet.server.SshIdent.DEFAULT + "\r\n"), ours.toString());
    }
}
