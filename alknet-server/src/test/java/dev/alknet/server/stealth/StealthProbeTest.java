package dev.alknet.server.stealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stealth mode on its own (no reference server needed): SSH gets in only with {@code SSH-2.0-} first,
 * every other probe on tcp, tls and quic sees nginx and never an SSH byte, silence is dropped quietly.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StealthProbeTest {

    /** The quick server's stealth timeout; the main one has a long one, so that load cannot make probes time out. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** How long a probe waits for more (keep-alive connections stay open): generous, the probes run in parallel. */
    private static final Duration WAIT = Duration.ofMillis(1500);
    private static StealthServer server;
    private static StealthServer quick;

    @BeforeAll
    static void start() throws Exception {
        Path site = ProbeSet.site(Files.createTempDirectory("alknet-site-"));
        server = StealthServer.start(StealthOptions.compatible(Duration.ofSeconds(30), site, null), "tcp", "tls", "quic");
        quick = StealthServer.start(StealthOptions.compatible(TIMEOUT, site, null), "tcp", "tls");
    }

    @AfterAll
    static void stop() {
        server.close();
        quick.close();
    }

    @Test
    void noProbeGetsAnSshByte() throws Exception {
        Probe.parallel(List.copyOf(ProbeSet.plain().entrySet()), p -> {
            Probe.Result tcp = Probe.tcp(server.port("tcp"), p.getValue(), WAIT);
            assertFalse(tcp.sentSsh(), "tcp " + p.getKey() + ": " + tcp);
            assertTrue(tcp.text().startsWith("HTTP/1.1 ") || p.getKey().equals("HTTP/0.9"), "tcp " + p.getKey() + ": " + tcp);
            Probe.Result plainOnTls = Probe.tcp(server.port("tls"), p.getValue(), WAIT);
            assertFalse(plainOnTls.sentSsh(), "plaintext on tls " + p.getKey() + ": " + plainOnTls);
            // alknet-ssh alone gets nginx's alert without --stealth-ssh-alpn (TlsFaceNginxTest); with http/1.1, the web
            for (String[] alpn : new String[][] {null, {"h2", "http/1.1"}, {"alknet-ssh", "http/1.1"}}) {
                Probe.Result tls = Probe.tls(server.port("tls"), alpn, p.getValue(), WAIT);
                assertFalse(tls.sentSsh(), "tls " + p.getKey() + ": " + tls);
                assertTrue(tls.text().startsWith("HTTP/1.1 ") || p.getKey().equals("HTTP/0.9"), "tls " + p.getKey() + ": " + tls);
            }
            String quic = quic(p.getValue(), WAIT);
            assertFalse(quic.contains("SSH-"), "quic " + p.getKey() + ": " + quic);
        });
    }

    @Test
    void aBrowserSeesTheSite() throws Exception {
        Probe.Result r = Probe.tls(server.port("tls"), new String[] {"h2", "http/1.1"},
                ProbeSet.plain().get("GET /"), WAIT);
        assertEquals("http/1.1", r.alpn());
        assertEquals("HTTP/1.1 200 OK", r.statusLine());
        assertEquals("nginx", r.header("Server"));
        assertEquals("<html><body>it works</body></html>\n", r.body());
        assertEquals(Probe.Ending.OPEN, r.ending(), "keep-alive");
        Probe.Result h2 = Probe.tls(server.port("tls"), new String[] {"h2"}, ProbeSet.plain().get("GET /"), WAIT);
        assertEquals("handshake failed: no_application_protocol", h2.shape());
        Probe.Result plain = Probe.tcp(server.port("tls"), ProbeSet.plain().get("GET /"), WAIT);
        assertTrue(plain.body().contains("The plain HTTP request was sent to HTTPS port"), plain.toString());
        Probe.Result redirect = Probe.tls(server.port("tls"), null, ProbeSet.plain().get("GET /sub (dir)"), WAIT);
        assertEquals("https://localhost:" + server.port("tls") + "/sub/", redirect.header("Location"));
        assertTrue(quic(ProbeSet.plain().get("GET /missing"), WAIT).startsWith("HTTP/1.1 404 Not Found\r\nServer: nginx\r\n"));
    }

    @Test
    void silenceAndHalfBannersAreDroppedWithoutAByte() throws Exception {
        Duration wait = TIMEOUT.plusSeconds(6);
        List<String[]> cases = new java.util.ArrayList<>();
        for (String send : new String[] {"", "S", "SSH-2.0", "GET / HTTP/1.1\r\n"}) {
            for (String where : new String[] {"tcp", "tls-port plaintext", "tls"}) {
                cases.add(new String[] {send, where});
            }
        }
        Probe.parallel(cases, c -> {
            String send = c[0];
            String where = c[1];
            {
                Probe.Result r = where.equals("tls") ? Probe.tls(quick.port("tls"), null, Probe.ascii(send), wait)
                        : Probe.tcp(quick.port(where.equals("tcp") ? "tcp" : "tls"), Probe.ascii(send), wait);
                assertEquals(0, r.bytes().length, where + " '" + send + "': " + r);
                assertTrue(r.ending() == Probe.Ending.CLOSED || r.ending() == Probe.Ending.LINGER,
                        where + " '" + send + "': " + r.ending());
                assertTrue(r.millis() >= TIMEOUT.toMillis() - 100 && r.millis() < TIMEOUT.toMillis() + 5000,
                        where + " '" + send + "' closed after " + r.millis() + " ms");
            }
        });
    }

    @Test
    void sshBannerGetsSshOnEveryListener() throws Exception {
        byte[] banner = Probe.ascii(ProbeSet.SSH_BANNER);
        Duration patience = Duration.ofSeconds(10);
        assertTrue(Probe.tcp(server.port("tcp"), banner, patience, 40).text().startsWith("SSH-2.0-" + dev.alknet.server.SshIdent.DEFAULT + "\r\n"));
        assertTrue(Probe.tcp(server.port("tls"), banner, patience, 40).text().startsWith("SSH-2.0-" + dev.alknet.server.SshIdent.DEFAULT + "\r\n"),
                "plaintext ssh on the tls port");
        assertTrue(Probe.tls(server.port("tls"), new String[] {"alknet-ssh", "http/1.1"}, banner, patience, 40).text()
                .startsWith("SSH-2.0-" + dev.alknet.server.SshIdent.DEFAULT + "\r\n"));
        assertTrue(quic(banner, Duration.ofSeconds(2)).startsWith("SSH-2.0-" + dev.alknet.server.SshIdent.DEFAULT + "\r\n"));
        // a banner that arrives in pieces: nothing is sent until all of "SSH-2.0-" is there
        try (Socket s = new Socket("127.0.0.1", server.port("tcp"))) {
            s.setSoTimeout(300);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (String piece : new String[] {"S", "SH-", "2.0"}) {
                out.write(Probe.ascii(piece));
                out.flush();
                assertTrue(silent(in), "answered after '" + piece + "'");
            }
            out.write(Probe.ascii("-x\r\n"));
            s.setSoTimeout(3000);
            String ident = "SSH-2.0-" + dev.alknet.server.SshIdent.DEFAULT + "\r\n";
            byte[] b = in.readNBytes(ident.length());
            assertEquals(ident, new String(b, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void realSshClientsLogIn() throws Exception {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.start();
        try {
            for (int i = 0; i < 3; i++) {
                try (ClientSession session = client.connect("alknet", "127.0.0.1", server.port("tcp"))
                        .verify(Duration.ofSeconds(10)).getSession()) {
                    session.addPublicKeyIdentity(server.identity);
                    session.auth().verify(Duration.ofSeconds(10));
                    assertTrue(session.isAuthenticated());
                }
            }
        } finally {
            client.stop();
        }
    }

    @Test
    void fallbackPipesToTheSiteBehind() throws Exception {
        try (ServerSocket behind = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!behind.isClosed()) {
                    try (Socket s = behind.accept()) {
                        s.setSoTimeout(2000);
                        ByteArrayOutputStream head = new ByteArrayOutputStream();
                        InputStream in = s.getInputStream();
                        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                            int c = in.read();
                            if (c < 0) {
                                break;
                            }
                            head.write(c);
                        }
                        String line = head.toString(StandardCharsets.ISO_8859_1).split("\r\n")[0];
                        String body = "behind saw: " + line;
                        s.getOutputStream().write(Probe.ascii("HTTP/1.1 200 OK\r\nServer: Apache\r\nContent-Length: "
                                + body.length() + "\r\nConnection: close\r\n\r\n" + body));
                    } catch (IOException e) {
                        // next
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            URI url = URI.create("http://127.0.0.1:" + behind.getLocalPort());
            try (StealthServer s = StealthServer.start(StealthOptions.compatible(TIMEOUT, null, url), "tcp", "tls")) {
                Probe.Result r = Probe.tcp(s.port("tcp"), ProbeSet.plain().get("GET /missing"), Duration.ofSeconds(3));
                assertEquals("HTTP/1.1 200 OK", r.statusLine(), r.toString());
                assertEquals("behind saw: GET /missing HTTP/1.1", r.body());
                // a byte pipe cannot tell the site's close from its half-close: either ending is fine
                assertTrue(r.ending() == Probe.Ending.CLOSED || r.ending() == Probe.Ending.LINGER, r.toString());
                Probe.Result viaTls = Probe.tls(s.port("tls"), new String[] {"http/1.1"}, ProbeSet.plain().get("GET /"),
                        Duration.ofSeconds(3));
                assertEquals("behind saw: GET / HTTP/1.1", viaTls.body());
                assertTrue(Probe.tcp(s.port("tcp"), Probe.ascii(ProbeSet.SSH_BANNER), Duration.ofSeconds(10), 16).text()
                        .startsWith("SSH-2.0-" + dev.alknet.server.SshIdent.DEFAULT));
            }
            int dead;
            try (ServerSocket gone = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                dead = gone.getLocalPort();
            }
            try (StealthServer s = StealthServer.start(StealthOptions.compatible(TIMEOUT, null,
                    URI.create("http://127.0.0.1:" + dead)), "tcp")) {
                Probe.Result r = Probe.tcp(s.port("tcp"), ProbeSet.plain().get("GET /"), Duration.ofSeconds(3));
                assertEquals("HTTP/1.1 502 Bad Gateway", r.statusLine(), r.toString());
                assertFalse(r.sentSsh());
            }
        }
    }

    private static boolean silent(InputStream in) throws IOException {
        try {
            return in.read() < 0 && false;
        } catch (java.net.SocketTimeoutException e) {
            return true;
        }
    }

    /** Opens a QUIC stream with our own client (ALPN alknet-ssh), sends {@code send}, returns what came back. */
    private static String quic(byte[] send, Duration wait) throws Exception {
        var t = Transports.create("quic", TransportSettings.builder().connectTimeout(Duration.ofSeconds(5)).build());
        Channel stream = t.connect(new Endpoint("quic", "127.0.0.1", server.port("quic"))).get(10, TimeUnit.SECONDS);
        return StreamExchange.exchange(stream, send, wait);
    }
}
