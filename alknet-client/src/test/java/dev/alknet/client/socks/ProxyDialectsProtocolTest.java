package dev.alknet.client.socks;

import dev.alknet.core.ssh.SshSession;
import static dev.alknet.testkit.Bytes.concat;
import static dev.alknet.testkit.Socks5Probe.closedWithoutBytes;
import static dev.alknet.testkit.Socks5Probe.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.client.socks.auth.SocksCredentials;
import dev.alknet.testkit.Socks5Probe;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dialects that share the SOCKS port, byte by byte: SOCKS4/4a, SOCKS5 with RFC 1929, HTTP CONNECT and plain
 * HTTP, including everything pipelined into one write, against a stock MINA server. No leaks, nothing left open.
 */
@Timeout(30)
class ProxyDialectsProtocolTest {

    static {
        NettyLeaks.install();
    }

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final byte[] USER = "alk".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PASSWORD = "s3cret".getBytes(StandardCharsets.US_ASCII);

    private static TestSsh ssh;
    private static SshClient client;
    private static ClientSession session;
    private static TargetServer echo;
    private static SocksServer open;
    private static SocksServer guarded;

    @BeforeAll
    static void start() throws Exception {
        ssh = TestSsh.stockChannels();
        client = TestSsh.newClient();
        session = ssh.connect(client);
        echo = new TargetServer(s -> s.getInputStream().transferTo(s.getOutputStream()));
        open = SocksServer.start(LOOPBACK, () -> CompletableFuture.completedFuture(SshSession.of(session)), SocksOptions.defaults());
        guarded = SocksServer.start(LOOPBACK, () -> CompletableFuture.completedFuture(SshSession.of(session)),
                SocksOptions.defaults().withCredentials(SocksCredentials.of("alk", PASSWORD)));
    }

    @AfterAll
    static void stop() throws Exception {
        open.closeAll();
        guarded.closeAll();
        echo.close();
        client.stop();
        ssh.close();
        assertEquals(0, NettyLeaks.leaks(), "ByteBuf leaks");
    }

    @AfterEach
    void nothingLeftOpen() throws InterruptedException {
        Await.idle(open, session, ssh);
        Await.idle(guarded, session, ssh);
    }

    private static byte[] socks4(int cmd, int port, byte[] ip, String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {4, (byte) cmd, (byte) (port >> 8), (byte) port});
        b.writeBytes(ip);
        b.writeBytes(new byte[] {'u', 's', 'e', 'r', 0});
        if (name != null) {
            b.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
            b.write(0);
        }
        return b.toByteArray();
    }

    private static byte[] read(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        new DataInputStream(in).readFully(b);
        return b;
    }

    @Test
    void socks4AndSocks4aConnectWithPayloadInTheSameWrite() throws IOException {
        for (byte[] request : new byte[][] {socks4(1, echo.port(), new byte[] {127, 0, 0, 1}, null),
                socks4(1, echo.port(), new byte[] {0, 0, 0, 7}, "localhost")}) {
            try (Socket s = open(open.localAddress())) {
                s.getOutputStream().write(concat(request, "ping".getBytes(StandardCharsets.US_ASCII)));
                byte[] reply = read(s.getInputStream(), 8);
                assertEquals(0, reply[0]);
                assertEquals(0x5A, reply[1]);
                assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), read(s.getInputStream(), 4));
            }
        }
        assertTrue(ssh.dialledHosts.contains("localhost"), "the 4a name went to the server unresolved");
    }

    @Test
    void socks4IsRejectedWhereAPasswordIsRequiredWithoutOpeningAChannel() throws IOException {
        int before = ssh.dialledHosts.size();
        try (Socket s = open(guarded.localAddress())) {
            s.getOutputStream().write(socks4(1, echo.port(), new byte[] {127, 0, 0, 1}, null));
            assertEquals(0x5B, read(s.getInputStream(), 8)[1]);
            assertTrue(closedWithoutBytes(s));
        }
        assertEquals(before, ssh.dialledHosts.size());
    }

    @Test
    void socks5GreetingPasswordRequestAndPayloadInOneWrite() throws IOException {
        byte[] auth = concat(new byte[] {1, 3}, USER, new byte[] {6}, PASSWORD);
        try (Socket s = open(guarded.localAddress())) {
            s.getOutputStream().write(concat(new byte[] {5, 2, 0, 2}, auth,
                    Socks5Probe.connectIp(InetAddress.getLoopbackAddress(), echo.port()), "ping".getBytes()));
            InputStream in = s.getInputStream();
            assertArrayEquals(new byte[] {5, 2}, read(in, 2), "USERNAME/PASSWORD chosen over NO_AUTH");
            assertArrayEquals(new byte[] {1, 0}, read(in, 2));
            assertEquals(0, Socks5Probe.readReply(in));
            assertArrayEquals("ping".getBytes(), read(in, 4));
        }
    }

    @Test
    void socks5WrongPasswordIsRefusedAndClosed() throws IOException {
        int before = ssh.dialledHosts.size();
        for (byte[] auth : new byte[][] {concat(new byte[] {1, 3}, USER, new byte[] {5}, "s3cre".getBytes()),
                concat(new byte[] {1, 3}, "alK".getBytes(), new byte[] {6}, PASSWORD),
                concat(new byte[] {1, 3}, USER, new byte[] {0}),
                concat(new byte[] {5, 3}, USER, new byte[] {6}, PASSWORD)}) {
            try (Socket s = open(guarded.localAddress())) {
                s.getOutputStream().write(concat(new byte[] {5, 1, 2}, auth));
                assertArrayEquals(new byte[] {5, 2}, read(s.getInputStream(), 2));
                byte[] status = read(s.getInputStream(), 2);
                assertEquals(1, status[0]);
                assertNotEquals(0, status[1]);
                assertTrue(closedWithoutBytes(s));
            }
        }
        assertEquals(before, ssh.dialledHosts.size());
    }

    @Test
    void httpConnectWithPayloadInTheSameWrite() throws IOException {
        try (Socket s = open(open.localAddress())) {
            s.getOutputStream().write(("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\nHost: x\r\n\r\nping")
                    .getBytes(StandardCharsets.US_ASCII));
            String expected = "HTTP/1.1 200 Connection established\r\n\r\nping";
            assertEquals(expected, new String(read(s.getInputStream(), expected.length()), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aHeadDribbledByteByByteStillWorks() throws Exception {
        try (Socket s = open(open.localAddress())) {
            OutputStream out = s.getOutputStream();
            for (byte b : ("CONNECT localhost:" + echo.port() + " HTTP/1.1\n\n").getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
                Thread.sleep(2); // pacing is the point: each byte its own segment, so the head comes in pieces
            }
            String expected = "HTTP/1.1 200 Connection established\r\n\r\n";
            assertEquals(expected, new String(read(s.getInputStream(), expected.length()), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void plainHttpIsRewrittenForTheOriginAndItsAnswerRelayed() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        try (TargetServer origin = new TargetServer(s -> {
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                head.write(in.read());
            }
            seen.set(head.toString(StandardCharsets.ISO_8859_1) + new String(read(in, 4), StandardCharsets.US_ASCII));
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                    .getBytes(StandardCharsets.US_ASCII));
        }); Socket s = open(open.localAddress())) {
            s.getOutputStream().write(("POST http://127.0.0.1:" + origin.port() + "/p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:"
                    + origin.port() + "\r\n"
                    + "Proxy-Connection: keep-alive\r\nContent-Length: 4\r\n\r\nbody").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200 OK") && answer.endsWith("\r\n\r\nok"), answer);
            assertEquals("POST /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:" + origin.port() + "\r\nContent-Length: 4\r\n"
                    + "Connection: close\r\n\r\nbody", seen.get());
        }
    }

    /** An origin that answers every request on a connection, keep-alive, and ignores Connection: close. */
    private static TargetServer keepAliveOrigin(String name, java.util.List<String> heads) throws IOException {
        return new TargetServer(s -> {
            InputStream in = s.getInputStream();
            while (true) {
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    head.write(b);
                }
                heads.add(head.toString(StandardCharsets.ISO_8859_1));
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: "
                        + name.length() + "\r\n\r\n" + name).getBytes(StandardCharsets.US_ASCII));
            }
        });
    }

    @Test
    void aSecondRequestOnTheConnectionNeverReachesTheFirstOrigin() throws Exception {
        java.util.List<String> aHeads = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<String> bHeads = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (TargetServer a = keepAliveOrigin("a", aHeads); TargetServer b = keepAliveOrigin("b", bHeads);
                Socket s = open(open.localAddress())) {
            s.getOutputStream().write(("GET http://127.0.0.1:" + a.port() + "/x HTTP/1.1\r\n\r\n"
                    + "GET http://127.0.0.1:" + b.port() + "/y HTTP/1.1\r\nProxy-Authorization: Basic eDp5\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String expected = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\na";
            assertEquals(expected, new String(read(s.getInputStream(), expected.length()), StandardCharsets.US_ASCII));
            s.shutdownOutput(); // the origin ignores Connection: close; our FIN ends it
            assertEquals(-1, s.getInputStream().read());
            assertEquals(1, aHeads.size(), aHeads.toString());
            assertTrue(aHeads.get(0).startsWith("GET /x HTTP/1.1\r\n"), aHeads.toString());
            assertEquals(0, b.accepted.get());
        }
    }

    private static String httpAnswer(SocksServer server, String request) throws IOException {
        try (Socket s = open(server.localAddress())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void httpErrorsAreAnsweredWithAStatusAndAReason() throws IOException {
        assertTrue(httpAnswer(open, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(httpAnswer(open, "GET https://x/ HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(httpAnswer(open, "GET http://x/ HTTP/1.1\r\nHost: y\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(httpAnswer(open, "POST http://x/ HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
                .startsWith("HTTP/1.1 400 "));
        assertTrue(httpAnswer(open, "CONNECT x HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(httpAnswer(open, "GET http://x/ HTTP/3\r\n\r\n").startsWith("HTTP/1.1 505 "));
        String huge = "GET http://x/ HTTP/1.1\r\nX: " + "a".repeat(20_000) + "\r\n\r\n";
        assertTrue(httpAnswer(open, huge).startsWith("HTTP/1.1 431 "));
        String refused = httpAnswer(open, "CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n");
        assertTrue(refused.startsWith("HTTP/1.1 502 ") && refused.contains("refused"), refused);
        String forbidden = httpAnswer(open, "CONNECT " + TestSsh.FORBIDDEN_HOST + ":80 HTTP/1.1\r\n\r\n");
        assertTrue(forbidden.startsWith("HTTP/1.1 403 "), forbidden);
    }

    @Test
    void httpWithoutTheRightCredentialsGets407() throws IOException {
        String basic = "Basic " + Base64.getEncoder().encodeToString("alk:s3cret".getBytes());
        String wrong = "Basic " + Base64.getEncoder().encodeToString("alk:s3creT".getBytes());
        String connect = "CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\n";
        String missing = httpAnswer(guarded, connect + "\r\n");
        assertTrue(missing.startsWith("HTTP/1.1 407 ") && missing.contains("Proxy-Authenticate: Basic"), missing);
        assertTrue(httpAnswer(guarded, connect + "Proxy-Authorization: " + wrong + "\r\n\r\n")
                .startsWith("HTTP/1.1 407 "));
        try (Socket s = open(guarded.localAddress())) {
            s.getOutputStream().write((connect + "Proxy-Authorization: " + basic + "\r\n\r\nping").getBytes());
            String expected = "HTTP/1.1 200 Connection established\r\n\r\nping";
            assertEquals(expected, new String(read(s.getInputStream(), expected.length()), StandardCharsets.US_ASCII));
        }
    }
}
