package dev.alknet.transport.tls;

import static dev.alknet.transport.Streams.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.testkit.TrustAllTls;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.Streams;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.TransportSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tls listener whose {@link LiveCertificate} is replaced while a stream is open, on each TLS engine: the open
 * stream goes on, new handshakes get the new certificate (a client pinning only the old key is refused); and the
 * listener answers an ACME tls-alpn-01 validation (ALPN acme-tls/1 + SNI) with the published challenge certificate.
 */
class LiveCertificateTest {

    private TransportListener listener;
    private Channel open;

    @AfterEach
    void tearDown() {
        if (open != null) {
            open.close();
        }
        if (listener != null) {
            listener.close();
        }
        System.clearProperty(TlsEngine.PROPERTY);
    }

    private static TlsTransport transport(LiveCertificate live, String pins) {
        TransportSettings.Builder b = TransportSettings.builder().connectTimeout(Duration.ofSeconds(10));
        if (live != null) {
            b.tlsServer(TlsServerMaterial.live(live));
        }
        if (pins != null) {
            b.tlsClient(new TlsClientOptions(pins, false, null));
        }
        return new TlsTransport(b.build());
    }

    /** Collects what a client stream reads, one buffer at a time. */
    private static final class Reads extends ChannelInboundHandlerAdapter {
        final LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            got.add(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
    }

    private static void echoed(Channel ch, Reads reads, String text) throws Exception {
        ch.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII)).sync();
        StringBuilder sb = new StringBuilder();
        while (sb.length() < text.length()) {
            String part = reads.got.poll(10, TimeUnit.SECONDS);
            assertTrue(part != null, "no echo of '" + text + "'");
            sb.append(part);
        }
        assertEquals(text, sb.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void replacedCertificateAppliesToNewHandshakesOnly(String engine) throws Exception {
        assumeTrue(engine.equals("jdk") || TlsEngine.openSslUsable(), "OpenSSL engine not usable here");
        System.setProperty(TlsEngine.PROPERTY, engine);
        TlsKeyMaterial first = TlsCertificates.generate("live.test");
        TlsKeyMaterial second = TlsCertificates.generate("live.test");
        LiveCertificate live = new LiveCertificate(first);
        listener = transport(live, null).listen(new Endpoint("tls", "127.0.0.1", 0),
                ch -> Streams.start(ch, new Streams.Echo()));
        Endpoint target = new Endpoint("tls", "127.0.0.1", listener.localAddress().getPort());

        open = await(transport(null, first.pin() + "," + second.pin()).connect(target), 15);
        assertEquals(TlsEngine.valueOf(engine.toUpperCase()), TlsEngine.of(open.pipeline().get(io.netty.handler.ssl.SslHandler.class).engine()));
        Reads reads = new Reads();
        Streams.start(open, reads);
        echoed(open, reads, "before");

        live.replace(second);
        Channel renewed = await(transport(null, second.pin()).connect(target), 15);
        renewed.close();
        ExecutionException stale = assertThrows(ExecutionException.class,
                () -> transport(null, first.pin()).connect(target).get(15, TimeUnit.SECONDS));
        assertTrue(stale.getCause().getMessage().contains("certificate pin mismatch: expected " + first.pin()),
                stale.getCause().getMessage());
        echoed(open, reads, "after the replacement");
    }

    @org.junit.jupiter.api.Test
    void quicListenerTakesTheReplacementForNewConnections() throws Exception {
        TlsKeyMaterial first = TlsCertificates.generate("live.test");
        TlsKeyMaterial second = TlsCertificates.generate("live.test");
        LiveCertificate live = new LiveCertificate(first);
        TransportSettings server = TransportSettings.builder().connectTimeout(Duration.ofSeconds(10))
                .tlsServer(TlsServerMaterial.live(live)).build();
        listener = new dev.alknet.transport.quic.QuicTransport(server).listen(new Endpoint("quic", "127.0.0.1", 0),
                ch -> Streams.start(ch, new Streams.Echo()));
        Endpoint target = new Endpoint("quic", "127.0.0.1", listener.localAddress().getPort());
        java.util.function.Function<String, dev.alknet.transport.quic.QuicTransport> client = pins ->
                new dev.alknet.transport.quic.QuicTransport(TransportSettings.builder()
                        .connectTimeout(Duration.ofSeconds(10)).tlsClient(new TlsClientOptions(pins, false, null)).build());

        open = await(client.apply(first.pin()).connect(target), 15);
        Reads reads = new Reads();
        Streams.start(open, reads);
        echoed(open, reads, "before");
        live.replace(second);
        Channel renewed = await(client.apply(second.pin()).connect(target), 15);
        renewed.close();
        ExecutionException stale = assertThrows(ExecutionException.class,
                () -> client.apply(first.pin()).connect(target).get(15, TimeUnit.SECONDS));
        assertTrue(stale.getCause().getMessage().contains("certificate pin mismatch"), stale.getCause().getMessage());
        echoed(open, reads, "after the replacement");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void acmeTlsAlpnValidationGetsTheChallengeCertificate(String engine) throws Exception {
        assumeTrue(engine.equals("jdk") || TlsEngine.openSslUsable(), "OpenSSL engine not usable here");
        System.setProperty(TlsEngine.PROPERTY, engine);
        TlsKeyMaterial site = TlsCertificates.generate("site.test");
        TlsKeyMaterial challenge = TlsCertificates.generate("acme.test");
        LiveCertificate live = new LiveCertificate(site);
        live.publishChallenge("ACME.test", challenge);
        listener = transport(live, null).listen(new Endpoint("tls", "127.0.0.1", 0), Channel::close);
        int port = listener.localAddress().getPort();

        assertEquals(challenge.certificate(), handshake(port, "acme.test", "acme-tls/1"));
        assertEquals(site.certificate(), handshake(port, "acme.test", "alknet-ssh"), "not a validation");
        live.withdrawChallenge("acme.test");
        // no challenge published: acme-tls/1 is not a protocol of ours, the handshake fails as for any other
        assertThrows(javax.net.ssl.SSLException.class, () -> handshake(port, "acme.test", "acme-tls/1"));
    }

    private static X509Certificate handshake(int port, String sni, String alpn) throws Exception {
        SSLContext ctx = TrustAllTls.context();
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {alpn});
            p.setServerNames(List.of(new SNIHostName(sni)));
            s.setSSLParameters(p);
            s.startHandshake();
            if (!alpn.equals(s.getApplicationProtocol())) {
                throw new javax.net.ssl.SSLException("ALPN " + s.getApplicationProtocol());
            }
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }
}
