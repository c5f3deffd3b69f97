package dev.alknet.transport.quic;

import static dev.alknet.transport.Streams.await;
import static dev.alknet.transport.Streams.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.Streams;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.TransportSettings;
import dev.alknet.testkit.Netns;
import dev.alknet.transport.tls.TlsServerMaterial;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The datagram size on the wire: quic starts at quiche's 1,200 bytes and path MTU discovery raises it to what the
 * path carries, up to {@link QuicCodecs#MAX_UDP_PAYLOAD}; a path with a small MTU (here 1,280, which drops larger
 * datagrams without telling anyone) still carries the stream, at the size it allows. A {@link UdpPathRelay} between
 * client and server stands for the path and sees every datagram.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuicDatagramSizeTest {

    private static final int SIZE = 1 << 20;

    @TempDir
    static Path certDir;
    static QuicTransport transport;
    static TransportListener listener;

    @BeforeAll
    static void setUp() throws Exception {
        transport = new QuicTransport(TransportSettings.builder()
                .connectTimeout(Duration.ofSeconds(10))
                .tlsServer(TlsServerMaterial.selfSigned(certDir, "alknet.test"))
                .build());
        listener = transport.listen(new Endpoint("quic", "127.0.0.1", 0), ch -> Streams.start(ch, new Streams.Echo()));
    }

    @AfterAll
    static void tearDown() {
        listener.close();
    }

    /** Echoes {@link #SIZE} random bytes through the relay, byte-exact. */
    private static void echoThrough(UdpPathRelay path) throws Exception {
        Channel client = await(transport.connect(new Endpoint("quic", "127.0.0.1", path.port())), 15);
        try {
            Streams.Sink sink = new Streams.Sink(false);
            Streams.start(client, sink);
            byte[] data = new byte[SIZE];
            new Random(7).nextBytes(data);
            Streams.sendAndFin(client, data);
            String got = await(sink.done, 45);
            assertEquals(SIZE, sink.bytes, "bytes echoed");
            assertEquals(sha256(data), got, "sha256 of the echo");
        } finally {
            client.close();
        }
    }

    private static InetSocketAddress server() {
        return new InetSocketAddress("127.0.0.1", listener.localAddress().getPort());
    }

    @Test
    void aPathThatCarriesLargeDatagramsGetsThem() throws Exception {
        try (UdpPathRelay path = new UdpPathRelay(server(), 65_507)) {
            echoThrough(path);
            assertTrue(path.largestSeen() > 1_200, "PMTU discovery raised the datagram size: " + path.largestSeen());
            assertTrue(path.largestSeen() <= QuicCodecs.MAX_UDP_PAYLOAD,
                    "no datagram above the ceiling: " + path.largestSeen());
        }
    }

    @Test
    void aPathWithA1280MtuStillCarriesTheStream() throws Exception {
        try (UdpPathRelay path = new UdpPathRelay(server(), 1_280 - 28)) {
            echoThrough(path);
            assertTrue(path.dropped() > 0, "larger datagrams were tried (and lost on this path)");
            assertTrue(path.largestForwarded() <= 1_252, "what arrived fits the path: " + path.largestForwarded());
        }
    }

    /**
     * A real 1,500-byte MTU (the loopback of a namespace of our own, set to Ethernet's size): the don't-fragment bit
     * makes every datagram above 1,472 bytes (1,500 - 20 IPv4 - 8 UDP) fail at the send, so discovery settles at or
     * below it. Without the bit the kernel would fragment the probes, they would arrive whole, and the relay would see
     * datagrams up to the ceiling.
     */
    @Test
    void onA1500MtuLinkNoDatagramIsFragmented() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (network namespaces)");
        assumeTrue(QuicCodecs.PMTUD, "path MTU discovery needs the epoll transport");
        Netns made;
        try {
            made = Netns.create("aquic", "mtu");
        } catch (java.io.IOException e) {
            Assumptions.abort("cannot make a network namespace: " + e.getMessage());
            return;
        }
        try (Netns ns = made) {
            ns.ip("link", "set", "lo", "mtu", "1500");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = ns.exec(java, "-cp", System.getProperty("java.class.path"),
                    "-Dio.netty.leakDetection.level=disabled", QuicPathProbe.class.getName());
            Path log = Files.createTempFile(certDir, "probe", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertTrue(p.waitFor(50, TimeUnit.SECONDS), "probe finished");
            } finally {
                p.destroyForcibly();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("LARGEST (\\d+)").matcher(out);
            assertTrue(m.find(), "probe output: " + out);
            int largest = Integer.parseInt(m.group(1));
            assertTrue(largest > 1_200 && largest <= 1_472, "largest datagram on a 1,500 MTU: " + largest);
        }
    }
}
