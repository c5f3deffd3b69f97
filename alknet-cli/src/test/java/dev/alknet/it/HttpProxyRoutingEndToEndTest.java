package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP proxy of a real {@code alknet connect} process (with a password) in front of a real {@code alknet serve},
 * attacked the way the security review showed: one proxy connection carrying requests for two origins, which must
 * each be answered by their own origin, with {@code Proxy-Authorization} reaching neither; then request smuggling
 * (conflicting lengths, a Host that contradicts the URI), refused with 400 before any origin is dialled. The origins
 * ({@link KeepAliveOrigin}, on 127.0.0.1 and 127.0.0.2) answer every request on a connection, as lenient servers do.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpProxyRoutingEndToEndTest {

    private static final String CREDENTIALS = "me:s3cret";

    private static Cli.Running server;
    private static Cli.Running client;
    private static int socks;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        E2e.Keys keys = E2e.keys();
        String home = keys.dir().toString();
        Path pw = Files.writeString(keys.dir().resolve("proxy-pw"), "s3cret\n");
        int serverPort = E2e.freePort();
        socks = E2e.freePort();
        server = Cli.Running.alknet("serve", "--listen", "tcp://127.0.0.1:" + serverPort, "--home", home,
                "--allow", "loopback");
        server.awaitLine(l -> l.contains("listening on tcp://127.0.0.1:" + serverPort),
                Duration.ofSeconds(30));
        client = Cli.Running.alknet("connect", "tcp://127.0.0.1:" + serverPort, "--home", home, "--socks",
                "127.0.0.1:" + socks, "--socks-user", "me", "--socks-password-file", pw.toString());
        client.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws IOException {
        for (Cli.Running r : new Cli.Running[] {client, server}) {
            if (r != null) {
                r.close();
            }
        }
    }

    @Test
    void curlWithOneProxyConnectionGetsEachAnswerFromItsOwnOrigin() throws Exception {
        try (KeepAliveOrigin a = new KeepAliveOrigin("a", "127.0.0.1");
                KeepAliveOrigin b = new KeepAliveOrigin("b", "127.0.0.2")) {
            ProxyDialectsEndToEndTest.Run r = ProxyDialectsEndToEndTest.curl("-v", "-x",
                    "http://" + CREDENTIALS + "@127.0.0.1:" + socks, "http://" + a.authority() + "/x",
                    "http://" + b.authority() + "/y");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("a /x\nb /y\n", r.stdout(), r.stderr());
            assertTrue(r.stderr().contains("Proxy-Authorization: Basic"), "curl sent the credentials\n" + r.stderr());
            assertEquals(1, a.heads.size(), a.heads.toString());
            assertEquals(1, b.heads.size(), b.heads.toString());
            assertTrue(a.heads.get(0).startsWith("GET /x HTTP/1.1\r\n"), a.heads.toString());
            assertTrue(b.heads.get(0).startsWith("GET /y HTTP/1.1\r\n"), b.heads.toString());
            noProxyCredentials(a, b);
        }
    }

    @Test
    void aRequestPipelinedBehindAnotherNeverReachesTheFirstOrigin() throws Exception {
        try (KeepAliveOrigin a = new KeepAliveOrigin("a", "127.0.0.1");
                KeepAliveOrigin b = new KeepAliveOrigin("b", "127.0.0.2");
                Socket s = new Socket("127.0.0.1", socks)) {
            s.setSoTimeout(30_000);
            String auth = "Proxy-Authorization: Basic " + java.util.Base64.getEncoder()
                    .encodeToString(CREDENTIALS.getBytes(StandardCharsets.US_ASCII)) + "\r\n";
            s.getOutputStream().write(("POST http://" + a.authority() + "/x HTTP/1.1\r\nHost: " + a.authority()
                    + "\r\n" + auth + "Content-Length: 3\r\n\r\nabc"
                    + "GET http://" + b.authority() + "/y HTTP/1.1\r\nHost: " + b.authority() + "\r\n" + auth + "\r\n"
                    + "GET http://" + a.authority() + "/z HTTP/1.1\r\n" + auth + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readResponse(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n") && answer.contains("\r\nConnection: close\r\n")
                    && answer.endsWith("\r\n\r\na /x\n"), answer);
            s.shutdownOutput(); // this origin ignores Connection: close; our FIN ends the exchange
            assertEquals(-1, s.getInputStream().read(), "nothing else answered");
            assertEquals(1, a.heads.size(), a.heads.toString());
            assertEquals(0, b.connections.get());
            noProxyCredentials(a, b);
        }
    }

    @Test
    void smugglingAttemptsAreRefusedBeforeAnyOriginIsDialled() throws Exception {
        try (KeepAliveOrigin a = new KeepAliveOrigin("a", "127.0.0.1");
                KeepAliveOrigin b = new KeepAliveOrigin("b", "127.0.0.2")) {
            String auth = "Proxy-Authorization: Basic " + java.util.Base64.getEncoder()
                    .encodeToString(CREDENTIALS.getBytes(StandardCharsets.US_ASCII)) + "\r\n";
            String smuggled = "GET http://" + b.authority() + "/y HTTP/1.1\r\n\r\n";
            for (String attack : new String[] {
                "POST http://" + a.authority() + "/x HTTP/1.1\r\n" + auth + "Content-Length: 5\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
                "POST http://" + a.authority() + "/x HTTP/1.1\r\n" + auth + "Content-Length: 0\r\n"
                        + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled,
                "POST http://" + a.authority() + "/x HTTP/1.1\r\n" + auth + "Transfer-Encoding: chunked\r\n"
                        + "Transfer-Encoding: identity\r\n\r\n0\r\n\r\n" + smuggled,
                "GET http://" + a.authority() + "/x HTTP/1.1\r\nHost: " + b.authority() + "\r\n" + auth + "\r\n"}) {
                String answer = exchange(attack);
                assertTrue(answer.startsWith("HTTP/1.1 400 "), attack + "\n=> " + answer);
            }
            ProxyDialectsEndToEndTest.Run curl = ProxyDialectsEndToEndTest.curl("-x",
                    "http://" + CREDENTIALS + "@127.0.0.1:" + socks, "-H", "Host: " + b.authority(),
                    "-o", "/dev/null", "-w", "%{http_code}", "http://" + a.authority() + "/x");
            assertEquals("400", curl.stdout(), curl.toString());
            assertEquals(0, a.connections.get());
            assertEquals(0, b.connections.get());
        }
    }

    /** Sends {@code request} on a new proxy connection and reads until the proxy closes it. */
    private static String exchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", socks)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** One response whose body has a Content-Length. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed inside the head: " + b);
            }
            b.write(c);
        }
        String head = b.toString(StandardCharsets.ISO_8859_1);
        int at = head.toLowerCase(Locale.ROOT).indexOf("content-length:");
        int length = Integer.parseInt(head.substring(at + 15, head.indexOf('\r', at)).strip());
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private static void noProxyCredentials(KeepAliveOrigin... origins) {
        for (KeepAliveOrigin o : origins) {
            for (String h : o.heads) {
                assertFalse(h.toLowerCase(Locale.ROOT).contains("proxy-authorization"), o.name + " got " + h);
                assertFalse(h.toLowerCase(Locale.ROOT).contains("proxy-connection"), o.name + " got " + h);
            }
        }
    }
}
