package dev.alknet.transport.quic;

import static dev.alknet.transport.Streams.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.EventLoops;
import dev.alknet.transport.Streams;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportContractTest;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import dev.alknet.transport.proxy.ViaProxy;
import dev.alknet.transport.tls.LiveCertificate;
import dev.alknet.transport.tls.TlsCertificates;
import dev.alknet.transport.tls.TlsClientOptions;
import dev.alknet.transport.tls.TlsKeyMaterial;
import dev.alknet.transport.tls.TlsServerMaterial;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuicTransportTest extends TransportContractTest {

    @TempDir
    static Path certDir;
    static TransportSettings serverSettings;
    static QuicTransport server;

    private Channel other;

    @BeforeAll
    static void setUp() {
        serverSettings = TransportSettings.builder()
                .connectTimeout(Duration.ofSeconds(5))
                .tlsServer(TlsServerMaterial.selfSigned(certDir, "alknet.test"))
                .build();
        server = new QuicTransport(serverSettings);
    }

    @AfterEach
    void closeOther() {
        if (other != null) {
            other.close().syncUninterruptibly();
        }
    }

    @Override
    protected Transport serverTransport() {
        return server;
    }

    private static String failure(CompletableFuture<Channel> dial, long seconds) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> dial.get(seconds, TimeUnit.SECONDS));
        assertInstanceOf(TransportException.class, e.getCause());
        String msg = e.getCause().getMessage();
        assertFalse(msg.contains("\n"), "one line: " + msg);
        return msg;
    }

    @Test
    void noAnswerFailsAfterTheConnectTimeoutNamingQuic() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            QuicTransport t = new QuicTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(2)).build());
            Endpoint e = new Endpoint("quic", "127.0.0.1", silent.getLocalPort());
            long t0 = System.nanoTime();
            String msg = failure(t.connect(e), 10);
            double secs = (System.nanoTime() - t0) / 1e9;
            assertEquals(e + ": no QUIC answer within 2 s (is UDP blocked?)", msg);
            assertTrue(secs >= 1.9 && secs < 4, "failed after " + secs + " s");
        }
    }

    @Test
    void wrongPinIsRefused() throws Exception {
        listen(Channel::close);
        String wrong = "sha256/" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        QuicTransport t = new QuicTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(5))
                .tlsClient(new TlsClientOptions(wrong, false, null)).build());
        String msg = failure(t.connect(target()), 10);
        assertEquals(target() + ": certificate pin mismatch: expected " + wrong + ", server has "
                + server.serverIdentity().pin(), msg);
    }

    @Test
    void rightPinIsAccepted() throws Exception {
        listen(ch -> Streams.start(ch, new Streams.Echo()));
        QuicTransport t = new QuicTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(5))
                .tlsClient(new TlsClientOptions(server.serverIdentity().pin(), false, null)).build());
        client = await(t.connect(target()), 10);
        Streams.Sink sink = new Streams.Sink(true);
        Streams.start(client, sink);
        Streams.sendAndFin(client, "pinned".getBytes(StandardCharsets.US_ASCII));
        await(sink.done, 10);
        assertEquals("pinned", new String(sink.received(), StandardCharsets.US_ASCII));
    }

    /**
     * Issue 19 (server restarted, quic): a restarted server reads its certificate back from the PEM files it wrote,
     * and `alknet serve` always hands quic a {@link LiveCertificate}. The key read back is BouncyCastle's, whose
     * algorithm is "ECDSA", not "EC"; the live key manager refused it for BoringSSL's "EC" ask, so every handshake
     * failed (CERT_CB_ERROR, alert 80) and each resume dial to the new server ran out of time.
     */
    @Test
    void aLiveCertificateReadBackFromItsFilesIsServed(@TempDir Path dir) throws Exception {
        if (java.security.Security.getProvider("BC") == null) { // as in `alknet serve` (appended, as acme4j wants it)
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
        TlsCertificates.loadOrCreate(dir, "alknet.test"); // the first start writes the files
        TlsKeyMaterial reread = TlsCertificates.loadOrCreate(dir, "alknet.test"); // a restart reads them
        QuicTransport t = new QuicTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(5))
                .tlsServer(TlsServerMaterial.live(new LiveCertificate(reread))).build());
        listener = t.listen(new Endpoint("quic", "127.0.0.1", 0), ch -> Streams.start(ch, new Streams.Echo()));
        client = await(t.connect(new Endpoint("quic", "127.0.0.1", listener.localAddress().getPort())), 10);
        Streams.Sink sink = new Streams.Sink(true);
        Streams.start(client, sink);
        Streams.sendAndFin(client, "restarted".getBytes(StandardCharsets.US_ASCII));
        await(sink.done, 10);
        assertEquals("restarted", new String(sink.received(), StandardCharsets.US_ASCII));
    }

    @Test
    void serverWithOtherAlpnIsRefused() throws Exception {
        TlsKeyMaterial km = TlsCertificates.generate("h3.test");
        var codec = new QuicServerCodecBuilder()
                .sslContext(QuicSslContextBuilder.forServer(km.key(), null, km.chain().toArray(new java.security.cert.X509Certificate[0]))
                        .applicationProtocols("h3").build())
                .maxIdleTimeout(5, TimeUnit.SECONDS)
                .initialMaxData(1 << 20).initialMaxStreamsBidirectional(10)
                .handler(new ChannelInboundHandlerAdapter())
                .streamHandler(new ChannelInboundHandlerAdapter())
                .build();
        other = new Bootstrap().group(EventLoops.group()).channel(EventLoops.datagramChannel()).handler(codec)
                .bind("127.0.0.1", 0).sync().channel();
        Endpoint e = new Endpoint("quic", "127.0.0.1", ((InetSocketAddress) other.localAddress()).getPort());
        String msg = failure(server.connect(e), 10);
        assertEquals(e + ": server does not speak alknet (ALPN refused)", msg);
    }

    @Test
    void closingTheStreamReleasesTheConnectionAndSocketOnBothSides() throws Exception {
        CompletableFuture<QuicChannel> serverConnection = new CompletableFuture<>();
        listen(ch -> {
            serverConnection.complete(((QuicStreamChannel) ch).parent());
            Streams.start(ch, new Streams.Echo());
        });
        QuicStreamChannel stream = (QuicStreamChannel) connect();
        stream.writeAndFlush(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII));
        QuicChannel conn = stream.parent();
        Channel udp = conn.parent();
        QuicChannel serverConn = await(serverConnection, 5);
        assertTrue(conn.isActive() && udp.isOpen());
        assertEquals(new InetSocketAddress("127.0.0.1", listener.localAddress().getPort()),
                dev.alknet.transport.StreamAddresses.remote(stream));
        assertInstanceOf(InetSocketAddress.class, dev.alknet.transport.StreamAddresses.local(stream));
        stream.close();
        assertTrue(conn.closeFuture().await(QuicLinger.LINGER.toMillis() + 3000), "client QUIC connection closed");
        assertTrue(udp.closeFuture().await(2000), "client UDP socket closed");
        assertTrue(serverConn.closeFuture().await(QuicLinger.LINGER.toMillis() + 3000), "server QUIC connection closed");
        assertTrue(listener.localAddress() != null, "listener itself still up");
    }

    @Test
    void keepAliveHoldsAnIdleConnectionPastTheIdleTimeout() throws Exception {
        TransportSettings shortIdle = serverSettings.toBuilder()
                .quicIdleTimeout(Duration.ofMillis(1000)).quicKeepAlive(Duration.ofMillis(300)).build();
        QuicTransport t = new QuicTransport(shortIdle);
        listener = t.listen(new Endpoint("quic", "127.0.0.1", 0), ch -> Streams.start(ch, new Streams.Echo()));
        client = await(t.connect(target()), 5);
        Streams.Sink sink = new Streams.Sink(true);
        Streams.start(client, sink);
        client.writeAndFlush(Unpooled.copiedBuffer("a", StandardCharsets.US_ASCII));
        Thread.sleep(3000); // the idle time is what is tested: three idle timeouts without stream traffic
        assertTrue(client.isActive(), "connection died although keep-alive was on");
        Streams.sendAndFin(client, "b".getBytes(StandardCharsets.US_ASCII));
        await(sink.done, 5);
        assertEquals("ab", new String(sink.received(), StandardCharsets.US_ASCII));
    }

    @Test
    void withoutKeepAliveTheIdleTimeoutClosesTheStream() throws Exception {
        TransportSettings noKeepAlive = serverSettings.toBuilder()
                .quicIdleTimeout(Duration.ofMillis(1000)).quicKeepAlive(Duration.ZERO).build();
        QuicTransport t = new QuicTransport(noKeepAlive);
        listener = t.listen(new Endpoint("quic", "127.0.0.1", 0), ch -> Streams.start(ch, new Streams.Echo()));
        client = await(t.connect(target()), 5);
        Streams.start(client, new Streams.Sink(false));
        client.writeAndFlush(Unpooled.copiedBuffer("a", StandardCharsets.US_ASCII));
        assertTrue(client.closeFuture().await(4000), "idle connection should have timed out");
    }

    /** The server learns of a stream from its first bytes: a client that never writes is closed at the limit. */
    @Test
    void aConnectionWhoseStreamNeverSpeaksIsClosedAfterTheHandshakeLimit() throws Exception {
        QuicTransport t = new QuicTransport(serverSettings.toBuilder().connectTimeout(Duration.ofSeconds(1)).build());
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        listener = t.listen(new Endpoint("quic", "127.0.0.1", 0), ch -> {
            accepted.incrementAndGet();
            ch.close();
        });
        client = await(server.connect(target()), 5); // handshake done, stream opened, nothing written
        assertTrue(((QuicStreamChannel) client).parent().closeFuture().await(10_000),
                "the server closes a connection that shows no stream");
        assertEquals(0, accepted.get());
    }

    @Test
    void closingTheListenerKeepsEstablishedStreams() throws Exception {
        listen(ch -> Streams.start(ch, new Streams.Echo()));
        Endpoint e = target();
        client = connect();
        Streams.Sink sink = new Streams.Sink(true);
        Streams.start(client, sink);
        client.writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII));
        await(sink.firstByte, 5);
        listener.close();
        listener = null;
        Streams.sendAndFin(client, "y".getBytes(StandardCharsets.US_ASCII));
        await(sink.done, 5);
        assertEquals("xy", new String(sink.received(), StandardCharsets.US_ASCII));
        // and new connections are refused
        QuicTransport t = new QuicTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(2)).build());
        CompletableFuture<Channel> late = t.connect(e);
        try {
            Channel c = late.get(5, TimeUnit.SECONDS);
            assertTrue(c.closeFuture().await(3000), "a connection after close() must not stay up");
        } catch (ExecutionException expected) {
            // refused during the handshake: fine too
        }
    }

    @Test
    void quicCannotGoThroughAProxy() {
        TransportSettings via = TransportSettings.builder().via(ViaProxy.parse("socks5://127.0.0.1:1080")).build();
        var e = assertThrows(IllegalArgumentException.class, () -> Transports.create("quic", via));
        assertTrue(e.getMessage().startsWith("quic cannot go through --via"), e.getMessage());
    }
}
