package dev.alknet.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.transport.TransportException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which engine each context gets, per {@code -Dalknet.tls.engine}. */
class TlsEngineTest {

    private static TlsKeyMaterial KM;

    @org.junit.jupiter.api.BeforeAll
    static void key() throws Exception {
        KM = TlsCertificates.generate("engine.test");
    }

    @AfterEach
    void clear() {
        System.clearProperty(TlsEngine.PROPERTY);
    }

    private static TlsEngine engineOf(SslContext ctx) {
        var engine = ctx.newEngine(ByteBufAllocator.DEFAULT);
        try {
            return TlsEngine.of(engine);
        } finally {
            io.netty.util.ReferenceCountUtil.release(engine);
        }
    }

    @Test
    void defaultIsOpenSslWhereItLoads() throws Exception {
        assertEquals(TlsEngine.openSslUsable() ? TlsEngine.OPENSSL : TlsEngine.JDK, TlsEngine.selected());
        assertEquals(TlsEngine.selected(), engineOf(TlsContexts.server(KM)));
        assertEquals(TlsEngine.selected(), engineOf(TlsContexts.client(TrustAll.INSTANCE)));
    }

    @Test
    void jdkIsChosenByTheProperty() throws Exception {
        System.setProperty(TlsEngine.PROPERTY, "jdk");
        assertEquals(TlsEngine.JDK, engineOf(TlsContexts.server(KM)));
        assertEquals(TlsEngine.JDK, engineOf(TlsContexts.client(TrustAll.INSTANCE)));
    }

    @Test
    void stealthListenersRunOnOpenSslStrictClientsStayOnTheJdkEngine() throws Exception {
        assumeTrue(TlsEngine.openSslUsable());
        System.setProperty(TlsEngine.PROPERTY, "openssl");
        assertEquals(TlsEngine.OPENSSL, engineOf(TlsContexts.server(KM)));
        // nginx's alert comes from AlpnOfferGate, the strict exporter from the key-log secret (docs/adr/0019)
        assertEquals(TlsEngine.OPENSSL, engineOf(TlsContexts.server(KM, true)));
        assertEquals(TlsEngine.OPENSSL, engineOf(TlsContexts.server(KM, true, true)));
        assertEquals(TlsEngine.JDK, engineOf(TlsContexts.client(TrustAll.INSTANCE, true)));
    }

    @Test
    void anUnknownEngineIsRefused() {
        System.setProperty(TlsEngine.PROPERTY, "gnutls");
        TransportException e = assertThrows(TransportException.class, () -> TlsContexts.server(KM));
        assertTrue(e.getMessage().contains("expected openssl or jdk"), e.getMessage());
    }

    private static final class TrustAll implements javax.net.ssl.X509TrustManager {
        static final TrustAll INSTANCE = new TrustAll();

        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }
}
