package dev.alknet.transport.proxy;

import static dev.alknet.transport.Streams.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.testkit.Await;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.StreamAddresses;
import dev.alknet.transport.Streams;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import dev.alknet.transport.tls.TlsServerMaterial;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ViaProxyDialTest {

    @TempDir
    Path certs;
    private TransportListener target;
    private TestProxy proxy;
    private Channel client;
    private final AtomicInteger accepts = new AtomicInteger();
    private final Set<SocketAddress> peers = ConcurrentHashMap.newKeySet();

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (target != null) {
            target.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private static TransportSettings.Builder settings() {
        return TransportSettings.builder().connectTimeout(Duration.ofSeconds(3));
    }

    /** A target that counts accepts and speaks first, like an SSH server. */
    private Endpoint startTarget(String scheme, String host) throws Exception {
        Transport t = Transports.create(scheme, settings().tlsServer(TlsServerMaterial.selfSigned(certs, null)).build());
        target = t.listen(new Endpoint(scheme, "127.0.0.1", 0), ch -> {
            peers.add(StreamAddresses.remote(ch));
            accepts.incrementAndGet();
            ch.writeAndFlush(Unpooled.copiedBuffer("SSH-2.0-target\r\n", StandardCharsets.US_ASCII));
            Streams.start(ch, new Streams.Echo());
        });
        return new Endpoint(scheme, host, target.localAddress().getPort());
    }

    private String dialFailure(String scheme, ViaProxy via, Endpoint e) {
        Transport t = Transports.create(scheme, settings().via(via).build());
        ExecutionException ex = assertThrows(ExecutionException.class, () -> t.connect(e).get(15, TimeUnit.SECONDS));
        assertInstanceOf(TransportException.class, ex.getCause());
        assertFalse(ex.getCause().getMessage().contains("\n"));
        return ex.getCause().getMessage();
    }

    private byte[] readAll(Channel ch, byte[] send) throws Exception {
        Streams.Sink sink = new Streams.Sink(true);
        Streams.start(ch, sink);
        Streams.sendAndFin(ch, send);
        await(sink.done, 10);
        return sink.received();
    }

    @Test
    void socks5PassesTheNameUnresolved() throws Exception {
        Endpoint e = startTarget("tcp", "localhost");
        proxy = new TestProxy(TestProxy.Kind.SOCKS5, "bob", "pw");
        client = await(Transports.create("tcp", settings().via(ViaProxy.parse(proxy.url())).build()).connect(e), 10);
        assertArrayEquals("SSH-2.0-target\r\nping".getBytes(StandardCharsets.US_ASCII),
                readAll(client, "ping".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(java.util.List.of("localhost:" + e.port()), proxy.destinations);
    }

    @Test
    void tlsThroughHttpConnectPassesTheNameUnresolved() throws Exception {
        Endpoint e = startTarget("tls", "localhost");
        proxy = new TestProxy(TestProxy.Kind.HTTP, null, null);
        client = await(Transports.create("tls", settings().via(ViaProxy.parse(proxy.url())).build()).connect(e), 10);
        assertArrayEquals("SSH-2.0-target\r\nping".getBytes(StandardCharsets.US_ASCII),
                readAll(client, "ping".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(java.util.List.of("localhost:" + e.port()), proxy.destinations);
    }

    @Test
    void bytesArrivingWithTheProxyReplyAreHeldUntilTheUserReads() throws Exception {
        Endpoint e = startTarget("tcp", "127.0.0.1");
        proxy = new TestProxy(TestProxy.Kind.HTTP, null, null);
        proxy.coalesceFirstBytes = true; // "200 Connection established" + the target's banner in one write
        client = await(Transports.create("tcp", settings().via(ViaProxy.parse(proxy.url())).build()).connect(e), 10);
        // the banner came in the proxy's reply, so the dial, done, has read it: unasked, it would reach the sink
        Streams.Sink sink = new Streams.Sink(true);
        client.eventLoop().submit(() -> client.pipeline().addLast(sink)).get();
        Await.never(() -> sink.bytes > 0, Duration.ofMillis(300), () -> "delivered before reading was enabled");
        assertEquals(0, sink.bytes, "delivered before reading was enabled");
        client.eventLoop().execute(() -> client.config().setAutoRead(true));
        await(sink.firstByte, 5);
        byte[] banner = "SSH-2.0-target\r\n".getBytes(StandardCharsets.US_ASCII);
        Await.await(() -> sink.bytes >= banner.length, Duration.ofSeconds(5), "the whole banner");
        assertArrayEquals(banner, sink.received());
    }

    @Test
    void deadProxyFailsNamingItAndNeverGoesDirect() throws Exception {
        Endpoint tcp = startTarget("tcp", "127.0.0.1");
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        assertEquals(tcp + ": proxy socks5://127.0.0.1:" + dead + ": connection refused",
                dialFailure("tcp", ViaProxy.parse("socks5://127.0.0.1:" + dead), tcp));
        Endpoint tls = new Endpoint("tls", "127.0.0.1", tcp.port());
        assertEquals(tls + ": proxy http://u@127.0.0.1:" + dead + ": connection refused",
                dialFailure("tls", ViaProxy.parse("http://u:p@127.0.0.1:" + dead), tls));
        // A connection of ours, made after the dials, is counted: one of theirs, made before, would be as well.
        try (Socket marker = new Socket(InetAddress.getLoopbackAddress(), tcp.port())) {
            Await.await(() -> peers.contains(marker.getLocalSocketAddress()), Duration.ofSeconds(10),
                    "the target's count of a direct connection");
            Await.never(() -> accepts.get() > 1, Duration.ofMillis(200), () -> "the target was reached directly");
        }
        assertEquals(0, accepts.get() - 1, "the target was reached directly");
    }

    @Test
    void proxyRefusalsAreOneLineNamingTheProxy() throws Exception {
        Endpoint e = startTarget("tcp", "127.0.0.1");
        proxy = new TestProxy(TestProxy.Kind.SOCKS5, "bob", "pw");
        String msg = dialFailure("tcp", ViaProxy.parse("socks5://bob:wrong@127.0.0.1:" + proxy.port()), e);
        assertTrue(msg.startsWith(e + ": proxy socks5://bob@127.0.0.1:" + proxy.port() + ": authentication failed"), msg);
        assertFalse(msg.contains("wrong"), "password leaked: " + msg);

        TestProxy http = new TestProxy(TestProxy.Kind.HTTP, null, null);
        try (http) {
            http.refuseWith = "403 Forbidden";
            msg = dialFailure("tcp", ViaProxy.parse(http.url()), e);
            assertEquals(e + ": proxy " + http.url() + ": refused to connect to the target (403 Forbidden)", msg);
        }
        TestProxy auth = new TestProxy(TestProxy.Kind.HTTP, "u", "p");
        try (auth) {
            msg = dialFailure("tcp", ViaProxy.parse("http://127.0.0.1:" + auth.port()), e);
            assertTrue(msg.contains("authentication required or rejected (407"), msg);
        }
        // The proxy cannot reach the target.
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        msg = dialFailure("tcp", ViaProxy.parse(proxy.url()), new Endpoint("tcp", "127.0.0.1", dead));
        assertTrue(msg.contains("refused to connect to the target"), msg);
        assertEquals(0, accepts.get());
    }

    @Test
    void silentProxyTimesOut() throws Exception {
        Endpoint e = startTarget("tcp", "127.0.0.1");
        try (ServerSocket silent = new ServerSocket(0)) { // accepts (backlog) but never answers
            long t0 = System.nanoTime();
            String msg = dialFailure("tcp", ViaProxy.parse("socks5://127.0.0.1:" + silent.getLocalPort()), e);
            assertEquals(e + ": proxy socks5://127.0.0.1:" + silent.getLocalPort() + ": no answer within 3 s", msg);
            assertTrue((System.nanoTime() - t0) / 1e9 < 6);
        }
        assertEquals(0, accepts.get());
    }
}
