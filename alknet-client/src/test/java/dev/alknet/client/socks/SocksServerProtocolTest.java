package dev.alknet.client.socks;

import dev.alknet.core.ssh.SshSession;
import static dev.alknet.testkit.Bytes.concat;
import static dev.alknet.testkit.Socks5Probe.closedWithoutBytes;
import static dev.alknet.testkit.Socks5Probe.connectDomainRequest;
import static dev.alknet.testkit.Socks5Probe.connectIp;
import static dev.alknet.testkit.Socks5Probe.handshake;
import static dev.alknet.testkit.Socks5Probe.open;
import static dev.alknet.testkit.Socks5Probe.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.client.SessionProvider;
import dev.alknet.client.TunnelDownException;
import dev.alknet.testkit.Bytes;
import dev.alknet.testkit.Socks5Probe;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SOCKS5 protocol surface: negotiation, malformed input, timeouts and every reply code. */
@Timeout(30)
class SocksServerProtocolTest {

    static {
        NettyLeaks.install();
    }

    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final SocksOptions FAST = SocksOptions.defaults()
            .withHandshakeTimeout(Duration.ofMillis(500)).withOpenTimeout(Duration.ofMillis(400));
    private static final SocksOptions FAST_OPEN = SocksOptions.defaults().withOpenTimeout(Duration.ofMillis(400));

    private static TestSsh stock;
    private static TestSsh halfClose;
    private static SshClient client;
    private static ClientSession stockSession;
    private static ClientSession halfCloseSession;
    private static TargetServer hello;
    private static SocksServer socks;     // over stockSession
    private static SocksServer slowSocks; // over halfCloseSession, which has the slow-open host

    @BeforeAll
    static void start() throws Exception {
        stock = TestSsh.stockChannels();
        halfClose = TestSsh.halfCloseChannels();
        client = TestSsh.newClient();
        stockSession = stock.connect(client);
        halfCloseSession = halfClose.connect(client);
        hello = new TargetServer(s -> s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII)));
        socks = SocksServer.start(ANY_LOOPBACK, () -> CompletableFuture.completedFuture(SshSession.of(stockSession)),
                SocksOptions.defaults());
        slowSocks = SocksServer.start(ANY_LOOPBACK, () -> CompletableFuture.completedFuture(SshSession.of(halfCloseSession)),
                FAST_OPEN);
    }

    @AfterAll
    static void stop() throws Exception {
        socks.closeAll();
        slowSocks.closeAll();
        hello.close();
        client.stop();
        stock.close();
        halfClose.close();
        assertEquals(0, NettyLeaks.leaks(), "ByteBuf leaks");
    }

    @AfterEach
    void nothingLeftOpen() throws InterruptedException {
        Await.idle(socks, stockSession, stock);
        Await.idle(slowSocks, halfCloseSession, halfClose);
    }

    @Test
    void connectsByIpv4AndByName() throws IOException {
        for (byte[] req : List.of(connectIp(InetAddress.getLoopbackAddress(), hello.port()),
                connectDomainRequest("localhost", hello.port()))) {
            try (Socket s = open(socks.localAddress())) {
                assertEquals(0, handshake(s, req));
                assertEquals("hello", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void offersWithoutNoAuthGet0xFFAndClose() throws IOException {
        try (Socket s = open(socks.localAddress())) {
            s.getOutputStream().write(new byte[] {5, 2, 2, (byte) 0x80}); // user/pass and a private method
            byte[] reply = new byte[2];
            new DataInputStream(s.getInputStream()).readFully(reply);
            assertArrayEquals(new byte[] {5, (byte) 0xFF}, reply);
            assertTrue(closedWithoutBytes(s));
        }
    }

    @Test
    void noAuthIsChosenAmongOtherMethods() throws IOException {
        try (Socket s = open(socks.localAddress())) {
            s.getOutputStream().write(new byte[] {5, 3, 2, 1, 0});
            Socks5Probe.readMethodReply(s.getInputStream());
        }
    }

    @Test
    void bytesOfNoProxyDialectAreClosedWithoutReply() throws IOException {
        byte[] random = Bytes.random(300, 42);
        random[0] = 0x47 - 0x40; // not 4, not 5, not an HTTP method's first letter
        byte[] tls = Bytes.random(300, 43);
        tls[0] = 0x16; // a TLS ClientHello
        for (byte[] junk : List.of(random, tls)) {
            try (Socket s = open(socks.localAddress())) {
                s.getOutputStream().write(junk);
                assertTrue(closedWithoutBytes(s));
            }
        }
    }

    @Test
    void socks4BindIsRejectedWith0x5B() throws IOException {
        try (Socket s = open(socks.localAddress())) {
            s.getOutputStream().write(new byte[] {4, 2, 0, 80, 127, 0, 0, 1, 'u', 0});
            byte[] reply = new byte[8];
            new DataInputStream(s.getInputStream()).readFully(reply);
            assertEquals(0, reply[0]);
            assertEquals(0x5B, reply[1]);
            assertTrue(closedWithoutBytes(s));
        }
    }

    @Test
    void clientStallingAfterOneByteIsClosedByTheHandshakeDeadline() throws IOException {
        SocksServer server = SocksServer.start(ANY_LOOPBACK, () -> CompletableFuture.completedFuture(SshSession.of(stockSession)),
                FAST);
        try (Socket s = open(server.localAddress())) {
            long start = System.nanoTime();
            s.getOutputStream().write(5);
            assertTrue(closedWithoutBytes(s));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 400 && millis < 5_000, "closed after " + millis + " ms");
        } finally {
            server.closeAll();
        }
    }

    @Test
    void dribblingClientIsClosedByTheHandshakeDeadline() throws Exception {
        SocksServer server = SocksServer.start(ANY_LOOPBACK, () -> CompletableFuture.completedFuture(SshSession.of(stockSession)),
                FAST);
        try (Socket s = open(server.localAddress())) {
            OutputStream out = s.getOutputStream();
            out.write(GREETING_AND_HALF_A_REQUEST[0]);
            long start = System.nanoTime();
            boolean closed = false;
            for (int i = 1; i < GREETING_AND_HALF_A_REQUEST.length && !closed; i++) {
                Thread.sleep(150); // each byte resets a read-idle timer, but not a deadline
                try {
                    out.write(GREETING_AND_HALF_A_REQUEST[i]);
                } catch (IOException e) {
                    closed = true;
                }
            }
            s.getInputStream().skipNBytes(2); // method reply
            assertTrue(closedWithoutBytes(s));
            assertTrue((System.nanoTime() - start) / 1_000_000 < 3_000);
        } finally {
            server.closeAll();
        }
    }

    private static final byte[] GREETING_AND_HALF_A_REQUEST = {5, 1, 0, 5, 1, 0, 3, 20, 'a', 'b', 'c', 'd', 'e', 'f'};

    /** UDP ASSOCIATE is 0x07 here because stock MINA does not know the udp@alknet.dev channel type. */
    @Test
    void bindAndUdpAssociateAreNotSupported() throws IOException {
        for (byte cmd : new byte[] {Socks5Probe.BIND, Socks5Probe.UDP_ASSOCIATE, 9}) {
            try (Socket s = open(socks.localAddress())) {
                assertEquals(0x07, handshake(s, request(cmd, (byte) 1, new byte[] {127, 0, 0, 1}, hello.port())));
                assertTrue(closedWithoutBytes(s));
            }
        }
    }

    @Test
    void unknownAddressTypeIsAddressNotSupported() throws IOException {
        try (Socket s = open(socks.localAddress())) {
            assertEquals(0x08, handshake(s, new byte[] {5, 1, 0, 0x05, 1, 2, 3, 4, 0, 80}));
            assertTrue(closedWithoutBytes(s));
        }
    }

    @Test
    void emptyDomainIsHostUnreachableWithoutAskingTheServer() throws IOException {
        int before = stock.dialledHosts.size();
        try (Socket s = open(socks.localAddress())) {
            assertEquals(0x04, handshake(s, connectDomainRequest("", 80)));
            assertTrue(closedWithoutBytes(s));
        }
        assertEquals(before, stock.dialledHosts.size());
    }

    @Test
    void domainOf255BytesReachesTheServerUnchanged() throws IOException {
        String label = "a".repeat(63);
        String name = label + "." + label + "." + label + "." + "b".repeat(55) + ".invalid";
        assertEquals(255, name.length());
        try (Socket s = open(socks.localAddress())) {
            assertEquals(0x04, handshake(s, connectDomainRequest(name, 80))); // the server cannot resolve it
        }
        assertTrue(stock.dialledHosts.contains(name), "server saw the name as sent");
    }

    @Test
    void nameThatIsNotValidIdnaIsHostUnreachable() throws IOException {
        try (Socket s = open(socks.localAddress())) {
            assertEquals(0x04, handshake(s, connectDomainRequest("x".repeat(64) + ".example", 80))); // label > 63
        }
    }

    @Test
    void refusedPortIs0x05() throws IOException {
        int closedPort;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = ss.getLocalPort();
        }
        try (Socket s = open(socks.localAddress())) {
            assertEquals(0x05, handshake(s, connectIp(InetAddress.getLoopbackAddress(), closedPort)));
            assertTrue(closedWithoutBytes(s));
        }
    }

    @Test
    void hostDeniedByServerPolicyIs0x02() throws IOException {
        try (Socket s = open(socks.localAddress())) {
            assertEquals(0x02, handshake(s, connectDomainRequest(TestSsh.FORBIDDEN_HOST, 80)));
            assertTrue(closedWithoutBytes(s));
        }
    }

    @Test
    void unresolvableNameIs0x04WithStockMinaText() throws IOException {
        try (Socket s = open(socks.localAddress())) {
            assertEquals(0x04, handshake(s, connectDomainRequest("nonexistent.invalid", 80)));
            assertTrue(closedWithoutBytes(s));
        }
    }

    @Test
    void tunnelDownIs0x01() throws IOException {
        SessionProvider down = () -> CompletableFuture.failedFuture(new TunnelDownException("reconnecting"));
        SocksServer server = SocksServer.start(ANY_LOOPBACK, down, FAST);
        try (Socket s = open(server.localAddress())) {
            assertEquals(0x01, handshake(s, connectDomainRequest("example.com", 443)));
            assertTrue(closedWithoutBytes(s));
        } finally {
            server.closeAll();
        }
    }

    @Test
    void noSessionWithinTheOpenTimeoutIs0x01() throws IOException {
        SessionProvider never = CompletableFuture::new;
        SocksServer server = SocksServer.start(ANY_LOOPBACK, never, FAST);
        try (Socket s = open(server.localAddress())) {
            assertEquals(0x01, handshake(s, connectDomainRequest("example.com", 443)));
        } finally {
            server.closeAll();
        }
    }

    @Test
    void unansweredOpenIs0x06AndTheLateChannelIsClosed() throws Exception {
        long start = System.nanoTime();
        try (Socket s = open(slowSocks.localAddress())) {
            assertEquals(0x06, handshake(s, connectDomainRequest(HalfCloseTcpipChannel.SLOW_OPEN_HOST, hello.port())));
            assertTrue(closedWithoutBytes(s));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < HalfCloseTcpipChannel.SLOW_OPEN_MILLIS, "replied after " + millis + " ms");
        assertEquals(1, slowSocks.openRelays(), "the channel waits for the server's late answer");
        // @AfterEach: once the server confirms, MINA closes the cancelled channel on both ends.
    }

    /** A reset is noticed at once; a plain FIN is not, as it may be a legitimate half-close. */
    @Test
    void clientResettingDuringTheOpenCancelsIt() throws Exception {
        SocksServer server = SocksServer.start(ANY_LOOPBACK,
                () -> CompletableFuture.completedFuture(SshSession.of(halfCloseSession)), SocksOptions.defaults());
        try (Socket s = open(server.localAddress())) {
            s.getOutputStream().write(concat(Socks5Probe.GREETING,
                    connectDomainRequest(HalfCloseTcpipChannel.SLOW_OPEN_HOST, hello.port())));
            Await.until(() -> server.openRelays() == 1, Duration.ofSeconds(5), () -> "open sent");
            s.setSoLinger(true, 0);
        }
        try {
            Await.until(() -> server.openConnections() == 0, Duration.ofSeconds(1),
                    () -> "connection closed: " + server.openConnections() + " open, " + server.openRelays() + " relays");
            assertEquals(1, server.openRelays(), "cancelled, waiting for the server's answer");
            Await.until(() -> server.openRelays() == 0, Duration.ofSeconds(5), () -> "late channel closed");
            Await.until(() -> halfClose.serverChannels() == 0, Duration.ofSeconds(5), () -> "server side closed");
        } finally {
            server.closeAll();
        }
    }

    /**
     * A restarted client gets its SOCKS port back at once: connections the old listener closed first sit in TIME_WAIT
     * on that port for a minute, and a listener without SO_REUSEADDR (Netty's epoll listener sets it) would fail to
     * bind with "Address already in use".
     */
    @Test
    void aRestartedListenerRebindsItsPortWhileOldConnectionsAreInTimeWait() throws IOException {
        SocksServer first = SocksServer.start(ANY_LOOPBACK, () -> CompletableFuture.completedFuture(SshSession.of(stockSession)),
                SocksOptions.defaults());
        InetSocketAddress port = first.localAddress();
        try (Socket s = open(port)) {
            s.getOutputStream().write(new byte[] {0x16, 3, 1}); // not a proxy dialect: the listener's side closes first
            assertTrue(closedWithoutBytes(s));
        } finally {
            first.closeAll();
        }
        SocksServer second = SocksServer.start(port, () -> CompletableFuture.completedFuture(SshSession.of(stockSession)),
                SocksOptions.defaults());
        try {
            assertEquals(port, second.localAddress());
        } finally {
            second.closeAll();
        }
    }

    @Test
    void closeStopsAcceptingButKeepsConnections() throws IOException {
        SocksServer server = SocksServer.start(ANY_LOOPBACK, () -> CompletableFuture.completedFuture(SshSession.of(stockSession)),
                SocksOptions.defaults());
        try (Socket s = open(server.localAddress())) {
            s.getOutputStream().write(Socks5Probe.GREETING);
            Socks5Probe.readMethodReply(s.getInputStream());
            server.close();
            assertEquals(0, handshake2(s, connectIp(InetAddress.getLoopbackAddress(), hello.port())));
            assertEquals("hello", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            try (Socket late = new Socket()) {
                late.connect(server.localAddress(), 2_000);
                org.junit.jupiter.api.Assertions.fail("still accepting");
            } catch (IOException expected) {
                // refused
            }
        } finally {
            server.closeAll();
        }
    }

    @Test
    void closeAllClosesOpenRelays() throws Exception {
        try (TargetServer silent = new TargetServer(s -> s.getInputStream().read())) {
            SocksServer server = SocksServer.start(ANY_LOOPBACK,
                    () -> CompletableFuture.completedFuture(SshSession.of(stockSession)), SocksOptions.defaults());
            try (Socket s = Socks5Probe.connected(server.localAddress(), silent.port())) {
                assertEquals(1, server.openRelays());
                server.closeAll();
                assertTrue(closedWithoutBytes(s));
                Await.until(() -> server.openRelays() == 0 && server.openConnections() == 0,
                        Duration.ofSeconds(5), () -> "relays closed");
            }
        }
    }

    private static int handshake2(Socket s, byte[] request) throws IOException {
        s.getOutputStream().write(request);
        return Socks5Probe.readReply(s.getInputStream());
    }
}
