package dev.alknet.transport.tls;

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
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTransportTest extends TransportContractTest {

    @TempDir
    static Path certDir;
    static TlsTransport server;
    static TlsKeyMaterial foreign; // a certificate alknet does not serve, for the "other TLS servers"

    private Channel otherServer;

    @BeforeAll
    static void setUp() throws Exception {
        server = new TlsTransport(TransportSettings.builder()
                .connectTimeout(Duration.ofSeconds(5))
                .tlsServer(TlsServerMaterial.selfSigned(certDir, "alknet.test"))
                .build());
        foreign = TlsCertificates.generate("other.test");
    }

    @AfterEach
    void closeOther() {
        if (otherServer != null) {
            otherServer.close().syncUninterruptibly();
        }
    }

    @Override
    protected Transport serverTransport() {
        return server;
    }

    private static TlsTransport client(TlsClientOptions options) {
        return new TlsTransport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(5))
                .tlsClient(options).build());
    }

    private static String failure(CompletableFuture<Channel> dial) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> dial.get(15, java.util.concurrent.TimeUnit.SECONDS));
        assertInstanceOf(TransportException.class, e.getCause());
        String msg = e.getCause().getMessage();
        assertFalse(msg.contains("\n"), "one line: " + msg);
        return msg;
    }

    @Test
    void pinOfTheServerIsAccepted() throws Exception {
        listen(ch -> Streams.start(ch, new Streams.Echo()));
        String pin = server.serverIdentity().pin();
        assertEquals(pin, TlsPins.of(server.serverIdentity().certificate()));
        client = await(client(new TlsClientOptions(pin, false, null)).connect(target()), 10);
        Streams.Sink sink = new Streams.Sink(true);
        Streams.start(client, sink);
        Streams.sendAndFin(client, "pinned".getBytes(StandardCharsets.US_ASCII));
        await(sink.done, 10);
        assertEquals("pinned", new String(sink.received(), StandardCharsets.US_ASCII));
    }

    @Test
    void wrongPinIsRefusedShowingBothPins() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        listen(ch -> {
            accepted.incrementAndGet();
            ch.close();
        });
        String wrong = "sha256/" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        String msg = failure(client(new TlsClientOptions(wrong, false, null)).connect(target()));
        assertEquals(target() + ": certificate pin mismatch: expected " + wrong + ", server has "
                + server.serverIdentity().pin(), msg);
        assertEquals(0, accepted.get());
    }

    @Test
    void verifyRefusesASelfSignedCertificate() throws Exception {
        listen(Channel::close);
        String msg = failure(client(new TlsClientOptions(null, true, null)).connect(target()));
        assertTrue(msg.startsWith(target() + ": certificate not trusted by the system CAs"), msg);
    }

    @Test
    void sniIsTheHostNameOrTheOverrideButNeverAnIpLiteral() throws Exception {
        CompletableFuture<List<SNIServerName>> sni = new CompletableFuture<>();
        listen(ch -> {
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            sni.complete(((ExtendedSSLSession) ssl.engine().getSession()).getRequestedServerNames());
            ch.close();
        });
        int port = listener.localAddress().getPort();
        client = await(server.connect(new Endpoint("tls", "localhost", port)), 10);
        assertEquals(List.of(new SNIHostName("localhost")), await(sni, 5));

        CompletableFuture<List<SNIServerName>> sni2 = new CompletableFuture<>();
        listener.close();
        listen(ch -> {
            sni2.complete(((ExtendedSSLSession) ch.pipeline().get(SslHandler.class).engine().getSession())
                    .getRequestedServerNames());
            ch.close();
        });
        client = await(server.connect(target()), 10); // 127.0.0.1
        assertEquals(List.of(), await(sni2, 5));

        CompletableFuture<List<SNIServerName>> sni3 = new CompletableFuture<>();
        listener.close();
        listen(ch -> {
            sni3.complete(((ExtendedSSLSession) ch.pipeline().get(SslHandler.class).engine().getSession())
                    .getRequestedServerNames());
            ch.close();
        });
        client = await(client(new TlsClientOptions(null, false, "cdn.example.org")).connect(target()), 10);
        assertEquals(List.of(new SNIHostName("cdn.example.org")), await(sni3, 5));
    }

    /** A plain Netty TLS server; {@code alpn} null means no ALPN at all. */
    private Endpoint otherTlsServer(String protocol, String alpn) throws Exception {
        SslContextBuilder b = SslContextBuilder.forServer(foreign.key(), foreign.chain())
                .sslProvider(SslProvider.JDK).protocols(protocol);
        if (alpn != null) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.FATAL_ALERT,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.FATAL_ALERT, alpn));
        }
        SslContext ctx = b.build();
        otherServer = new ServerBootstrap().group(EventLoops.group()).channel(EventLoops.serverSocketChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(ctx.newHandler(ch.alloc()));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        return new Endpoint("tls", "127.0.0.1", ((java.net.InetSocketAddress) otherServer.localAddress()).getPort());
    }

    /** A peer that starts a ClientHello and never finishes it is closed after the handshake limit (5 s here). */
    @Test
    void anUnfinishedClientHelloIsClosedAfterTheHandshakeLimit() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        listen(ch -> {
            accepted.incrementAndGet();
            ch.close();
        });
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", listener.localAddress().getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); // a record header and a byte
            byte[] alert = new byte[64];
            while (s.getInputStream().read(alert) >= 0) {
                // at most a TLS alert, then the end (a read time-out would fail the test)
            }
        } catch (java.net.SocketException reset) {
            // closed by the server (reset): fine too
        }
        assertEquals(0, accepted.get());
    }

    @Test
    void serverWithOtherAlpnIsRefused() throws Exception {
        String msg = failure(server.connect(otherTlsServer("TLSv1.3", "h2")));
        assertTrue(msg.endsWith(": server does not speak alknet (ALPN refused)"), msg);
        assertTrue(msg.startsWith("tls://127.0.0.1:"), msg);
    }

    @Test
    void serverWithoutAlpnIsRefused() throws Exception {
        String msg = failure(server.connect(otherTlsServer("TLSv1.3", null)));
        assertTrue(msg.endsWith(": server does not speak alknet (ALPN refused)"), msg);
    }

    @Test
    void tls12OnlyServerIsRefused() throws Exception {
        String msg = failure(server.connect(otherTlsServer("TLSv1.2", TlsContexts.ALPN)));
        assertTrue(msg.endsWith(": server does not support TLS 1.3"), msg);
    }

    @Test
    void plainTcpServerIsReportedAsNotTls() throws Exception {
        otherServer = new ServerBootstrap().group(EventLoops.group()).channel(EventLoops.serverSocketChannel())
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(Unpooled.copiedBuffer("SSH-2.0-OpenSSH_9.6\r\n", StandardCharsets.US_ASCII));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        Endpoint e = new Endpoint("tls", "127.0.0.1", ((java.net.InetSocketAddress) otherServer.localAddress()).getPort());
        String msg = failure(server.connect(e));
        assertEquals(e + ": server did not answer with TLS (wrong port or transport?)", msg);
    }

    @Test
    void clientWithoutAlpnIsNotAccepted() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        listen(ch -> accepted.incrementAndGet());
        SslContext noAlpn = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null).build();
        CompletableFuture<Boolean> handshake = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(EventLoops.group()).channel(EventLoops.socketChannel())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        SslHandler h = noAlpn.newHandler(c.alloc());
                        h.handshakeFuture().addListener(f -> handshake.complete(f.isSuccess()));
                        c.pipeline().addLast(h);
                    }
                }).connect(listener.localAddress()).sync().channel();
        try {
            await(handshake, 10);
            assertTrue(ch.closeFuture().await(5, java.util.concurrent.TimeUnit.SECONDS), "server closed it");
            assertEquals(0, accepted.get(), "acceptor called for a client without ALPN");
        } finally {
            ch.close();
        }
    }

    /** The engine this class runs on: OpenSSL, which ships in the build for linux-x86_64. */
    TlsEngine expectedEngine() {
        return TlsEngine.OPENSSL;
    }

    @Test
    void bothEndsRunOnTheSelectedEngine() throws Exception {
        if (expectedEngine() == TlsEngine.OPENSSL) {
            assertTrue(TlsEngine.openSslUsable() || !"amd64".equals(System.getProperty("os.arch")),
                    "netty-tcnative-boringssl-static did not load on linux-x86_64");
            org.junit.jupiter.api.Assumptions.assumeTrue(TlsEngine.openSslUsable());
        }
        CompletableFuture<TlsEngine> serverSide = new CompletableFuture<>();
        listen(ch -> {
            serverSide.complete(TlsEngine.of(ch.pipeline().get(SslHandler.class).engine()));
            Streams.start(ch, new Streams.Echo());
        });
        client = await(client(TlsClientOptions.NONE).connect(target()), 10);
        SslHandler ssl = client.pipeline().get(SslHandler.class);
        assertEquals(expectedEngine(), TlsEngine.of(ssl.engine()));
        assertEquals(expectedEngine(), await(serverSide, 10));
        assertEquals(TlsContexts.TLS13, ssl.engine().getSession().getProtocol());
        assertEquals(TlsContexts.ALPN, ssl.applicationProtocol());
    }

    @Test
    void clientOfferingOnlyOtherProtocolsIsNotAccepted() throws Exception {
        // OpenSSL cannot send no_application_protocol: its handshake completes without ALPN, so the handover
        // must refuse the stream (the JDK engine fails the handshake instead)
        AtomicInteger accepted = new AtomicInteger();
        listen(ch -> accepted.incrementAndGet());
        SslContext h2 = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2", "http/1.1"))
                .build();
        CompletableFuture<Boolean> handshake = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(EventLoops.group()).channel(EventLoops.socketChannel())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        SslHandler h = h2.newHandler(c.alloc());
                        h.handshakeFuture().addListener(f -> handshake.complete(f.isSuccess()));
                        c.pipeline().addLast(h);
                    }
                }).connect(listener.localAddress()).sync().channel();
        try {
            boolean completed = await(handshake, 10);
            assertEquals(expectedEngine() == TlsEngine.OPENSSL, completed, "handshake completed");
            assertTrue(ch.closeFuture().await(5, java.util.concurrent.TimeUnit.SECONDS), "server closed it");
            assertEquals(0, accepted.get(), "acceptor called for a client without ALPN alknet-ssh");
        } finally {
            ch.close();
        }
    }
}
