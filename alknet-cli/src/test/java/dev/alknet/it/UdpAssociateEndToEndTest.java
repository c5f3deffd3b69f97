package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.client.socks.SocksOptions;
import dev.alknet.client.socks.udp.UdpCounters;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SOCKS5 UDP ASSOCIATE through a real alknet client and server: datagrams to an echo server by IPv4, IPv6 and
 * name, DNS queries to a local DNS server, and the edges: fragments, oversized replies, strangers, the end of the
 * control connection, idleness. Everything on loopback.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(FailOnLoopStall.class)
class UdpAssociateEndToEndTest {

    private static E2e.Keys keys;
    private static E2e.Server server;
    private static E2e.Client client;
    private static UdpTestServers.Echo echo;
    private static UdpTestServers.Dns dns;

    @BeforeAll
    static void start() throws Exception {
        keys = E2e.keys();
        echo = new UdpTestServers.Echo();
        dns = new UdpTestServers.Dns();
        server = E2e.server(keys, (h, p, s) -> true);
        client = E2e.client(E2e.clientOptions(keys, server.port()), SocksOptions.defaults()).up();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        echo.close();
        dns.close();
    }

    @AfterEach
    void associationsEnded() throws Exception {
        E2e.await(() -> counters().open() == 0 && client.socks.openRelays() == 0
                        && server.server.openChannels() == 0, Duration.ofSeconds(10),
                () -> "associations ended: " + counters() + ", client channels " + client.socks.openRelays()
                        + ", server channels " + server.server.openChannels());
    }

    private static UdpCounters counters() {
        return client.socks.udpCounters();
    }

    @ParameterizedTest(name = "echo via {0}")
    @ValueSource(strings = {"127.0.0.1", "::1", "localhost"})
    void datagramsReachTheEchoServerAndComeBack(String host) throws Exception {
        try (SocksUdpClient udp = SocksUdpClient.associate(client.socksPort())) {
            assertTrue(udp.relay.getAddress().isLoopbackAddress(), "relay on the listener's address: " + udp.relay);
            for (int i = 0; i < 5; i++) {
                byte[] data = ("ping " + i + " to " + host).getBytes(StandardCharsets.US_ASCII);
                udp.send(host, echo.port(), data);
                SocksUdpClient.Reply r = udp.receive(5_000);
                assertNotNull(r, "echo " + i);
                assertArrayEquals(data, r.data());
                assertEquals(echo.port(), r.port());
                assertTrue(r.source().isLoopbackAddress(), r.source().toString());
                if (!host.equals("localhost")) {
                    assertEquals(InetAddress.getByName(host), r.source(), "the reply names its real source");
                }
            }
        }
    }

    @Test
    void dnsQueriesGetTheirAnswers() throws Exception {
        try (SocksUdpClient udp = SocksUdpClient.associate(client.socksPort())) {
            for (int i = 1; i <= 20; i++) {
                udp.send("127.0.0.1", dns.port(), UdpTestServers.Dns.query(0x4000 + i, "host" + i + ".alknet.test"));
                SocksUdpClient.Reply r = udp.receive(5_000);
                assertNotNull(r, "answer " + i);
                byte[] a = r.data();
                assertEquals(0x4000 + i, ((a[0] & 0xFF) << 8) | (a[1] & 0xFF), "ID");
                assertEquals(0, a[3] & 0x0F, "RCODE");
                assertArrayEquals(new byte[] {10, 0, 0, (byte) i}, Arrays.copyOfRange(a, a.length - 4, a.length));
            }
            udp.send("127.0.0.1", dns.port(), UdpTestServers.Dns.query(7, "missing.example"));
            SocksUdpClient.Reply r = udp.receive(5_000);
            assertEquals(3, r.data()[3] & 0x0F, "NXDOMAIN");
        }
    }

    @Test
    void fragmentsAreDroppedAndTheAssociationCarriesOn() throws Exception {
        try (SocksUdpClient udp = SocksUdpClient.associate(client.socksPort())) {
            long before = counters().fragments();
            int echoed = echo.received.get();
            udp.sendRaw(SocksUdpClient.concat(SocksUdpClient.header("127.0.0.1", echo.port(), 1), "frag".getBytes()));
            assertNull(udp.receive(500));
            assertEquals(before + 1, counters().fragments());
            assertEquals(echoed, echo.received.get(), "a fragment never leaves the client");
            udp.send("127.0.0.1", echo.port(), "whole".getBytes());
            assertArrayEquals("whole".getBytes(), udp.receive(5_000).data());
        }
    }

    /** 65 497 bytes of data is the most a reply from an IPv4 source can carry to an IPv4 client (65 507 in all). */
    @Test
    void theLargestReplyArrivesAndALargerOneIsDroppedAndCounted() throws Exception {
        try (SocksUdpClient udp = SocksUdpClient.associate(client.socksPort())) {
            udp.send("127.0.0.1", echo.port(), "size:65497".getBytes());
            SocksUdpClient.Reply r = udp.receive(5_000);
            assertNotNull(r, "the largest reply");
            assertEquals(65_497, r.data().length);
            long before = counters().oversized();
            udp.send("127.0.0.1", echo.port(), "size:65498".getBytes());
            assertNull(udp.receive(1_000), "one byte more cannot be delivered");
            E2e.await(() -> counters().oversized() == before + 1, Duration.ofSeconds(5), () -> "counted " + counters());
            byte[] big = new byte[65_507 - 10];
            Arrays.fill(big, (byte) 7);
            udp.send("127.0.0.1", echo.port(), big); // the largest request the client can send to an IPv4 destination
            assertArrayEquals(big, udp.receive(5_000).data());
        }
    }

    @Test
    void datagramsFromAnotherPortAreDropped() throws Exception {
        try (SocksUdpClient udp = SocksUdpClient.associate(client.socksPort());
                SocksUdpClient other = SocksUdpClient.associate(client.socksPort())) {
            udp.send("127.0.0.1", echo.port(), "mine".getBytes());
            assertArrayEquals("mine".getBytes(), udp.receive(5_000).data());
            long before = counters().strangers();
            // the other client's socket, but this association's relay
            byte[] d = SocksUdpClient.concat(SocksUdpClient.header("127.0.0.1", echo.port(), 0), "theirs".getBytes());
            other.udp.send(new java.net.DatagramPacket(d, d.length, udp.relay));
            E2e.await(() -> counters().strangers() == before + 1, Duration.ofSeconds(5), () -> "dropped " + counters());
            assertNull(udp.receive(300));
            assertNull(other.receive(300));
        }
    }

    @Test
    void theAssociationEndsWithItsControlConnection() throws Exception {
        SocksUdpClient udp = SocksUdpClient.associate(client.socksPort());
        try {
            udp.send("::1", echo.port(), "before".getBytes());
            assertArrayEquals("before".getBytes(), udp.receive(5_000).data());
            assertEquals(1, counters().open());
            udp.control.close();
            E2e.await(() -> counters().open() == 0 && client.socks.openRelays() == 0
                    && server.server.openChannels() == 0, Duration.ofSeconds(10), () -> "ended: " + counters());
            int echoed = echo.received.get();
            udp.send("::1", echo.port(), "after".getBytes());
            assertNull(udp.receive(700), "no relay any more");
            assertEquals(echoed, echo.received.get(), "nothing reached the destination");
        } finally {
            udp.close();
        }
    }

    @Test
    void anIdleAssociationTimesOutAndClosesItsControlConnection() throws Exception {
        try (E2e.Client quick = E2e.client(E2e.clientOptions(keys, server.port()),
                SocksOptions.defaults().withUdpIdleTimeout(Duration.ofMillis(800))).up();
                SocksUdpClient udp = SocksUdpClient.associate(quick.socksPort())) {
            udp.send("127.0.0.1", echo.port(), "once".getBytes());
            assertArrayEquals("once".getBytes(), udp.receive(5_000).data());
            long start = System.nanoTime();
            udp.control.setSoTimeout(10_000);
            assertEquals(-1, udp.control.getInputStream().read(), "control connection closed");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= 500 && millis < 5_000, "closed after " + millis + " ms");
            E2e.await(() -> quick.socks.udpCounters().open() == 0 && quick.socks.openRelays() == 0,
                    Duration.ofSeconds(5), () -> "ended");
        }
    }

    /** The SOCKS handshake deadline ends with the request: it once closed every association 10 s in. */
    @Test
    void anAssociationOutlivesTheHandshakeTimeout() throws Exception {
        try (E2e.Client quick = E2e.client(E2e.clientOptions(keys, server.port()),
                SocksOptions.defaults().withHandshakeTimeout(Duration.ofMillis(500))).up();
                SocksUdpClient udp = SocksUdpClient.associate(quick.socksPort())) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_000); // four handshake timeouts
            int i = 0;
            while (System.nanoTime() < end) {
                byte[] data = ("beat " + i++).getBytes(StandardCharsets.US_ASCII);
                udp.send("127.0.0.1", echo.port(), data);
                SocksUdpClient.Reply r = udp.receive(5_000);
                assertNotNull(r, "echo " + i + " on the same association");
                assertArrayEquals(data, r.data());
                Thread.sleep(100); // the pace of a game or VoIP stream, not a wait for something
            }
            assertEquals(1, quick.socks.udpCounters().open(), "still the one association");
        }
    }

    @Test
    void credentialsGuardUdpAssociateToo() throws Exception {
        java.nio.file.Path pw = java.nio.file.Files.createTempFile(keys.dir(), "pw", "");
        java.nio.file.Files.writeString(pw, "s3cret\n");
        try (E2e.Client guarded = E2e.client(E2e.clientOptions(keys, server.port()), SocksOptions.defaults()
                .withCredentials(dev.alknet.client.socks.auth.SocksCredentials.fromFile("me", pw))).up()) {
            try (SocksUdpClient udp = SocksUdpClient.associate(guarded.socksPort(), "me", "s3cret")) {
                udp.send("localhost", echo.port(), "authenticated".getBytes());
                assertArrayEquals("authenticated".getBytes(), udp.receive(5_000).data());
            }
            IOException wrong = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> SocksUdpClient.associate(guarded.socksPort(), "me", "guess").close());
            assertTrue(wrong.getMessage().startsWith("authentication reply 1,") // any STATUS but 0 (RFC 1929)
                    && !wrong.getMessage().endsWith(",0"), wrong.getMessage());
            try (Socket s = E2e.socksSocket(guarded.socksPort())) {
                s.getOutputStream().write(new byte[] {5, 1, 0}); // no credentials offered
                byte[] reply = s.getInputStream().readNBytes(2);
                assertArrayEquals(new byte[] {5, (byte) 0xFF}, reply);
                assertEquals(-1, s.getInputStream().read());
            }
        }
    }
}
