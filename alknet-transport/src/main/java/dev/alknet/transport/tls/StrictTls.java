package dev.alknet.transport.tls;

import dev.alknet.transport.TransportException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.jsse.BCSSLEngine;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/**
 * TLS engines for {@code --stealth=strict} (docs/adr/0014), from BouncyCastle's JSSE provider: JDK 17's
 * has no TLS exporter (RFC 8446 §7.5), which binds the strict proof to the TLS session. ALPN is set on
 * the engine itself: the server knows only {@value TlsContexts#HTTP11} (nginx without HTTP/2), the
 * client offers {@value TlsContexts#H2} and {@value TlsContexts#HTTP11} like a browser.
 */
public final class StrictTls {

    /**
     * RFC 9266's channel binding: TLS-Exporter("EXPORTER-Channel-Binding", "", 32), the exporter interface
     * bctls 1.84 implements (its general {@code exportKeyingMaterialData} is not implemented yet).
     */
    static final String CHANNEL_BINDING = "tls-exporter";

    /** bctls reports its settings on java.util.logging at INFO/WARNING: not for our users' terminals. */
    private static final java.util.logging.Logger BC_LOG = quiet();
    private static final BouncyCastleJsseProvider PROVIDER = new BouncyCastleJsseProvider();

    private static java.util.logging.Logger quiet() {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger("org.bouncycastle.jsse");
        l.setLevel(java.util.logging.Level.SEVERE);
        return l;
    }

    private StrictTls() {
    }

    /** A server-side SSLContext holding the listener's key (TLS 1.3 and 1.2, as nginx). */
    static SSLContext server(TlsKeyMaterial km) throws TransportException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = new char[0];
            ks.setKeyEntry("server", km.key(), pw, km.chainArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX", PROVIDER);
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS", PROVIDER);
            ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            throw new TransportException("cannot set up TLS with this certificate: " + e.getMessage(), e);
        }
    }

    static SSLEngine serverEngine(SSLContext ctx) {
        SSLEngine e = ctx.createSSLEngine();
        e.setUseClientMode(false);
        SSLParameters p = e.getSSLParameters();
        p.setProtocols(new String[] {TlsContexts.TLS13, TlsContexts.TLS12});
        p.setApplicationProtocols(new String[] {TlsContexts.HTTP11});
        p.setNeedClientAuth(false);
        e.setSSLParameters(p);
        return e;
    }

    static SSLEngine clientEngine(X509TrustManager check, String sni, String peerHost, int port)
            throws TransportException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS", PROVIDER);
            ctx.init(null, new TrustManager[] {check}, new SecureRandom());
            SSLEngine e = ctx.createSSLEngine(peerHost, port);
            e.setUseClientMode(true);
            SSLParameters p = e.getSSLParameters();
            p.setProtocols(new String[] {TlsContexts.TLS13, TlsContexts.TLS12});
            p.setApplicationProtocols(new String[] {TlsContexts.H2, TlsContexts.HTTP11});
            if (sni != null) {
                try {
                    p.setServerNames(List.of(new SNIHostName(sni)));
                } catch (IllegalArgumentException ignored) {
                    // not a DNS name: no SNI
                }
            }
            e.setSSLParameters(p);
            return e;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TransportException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The proof binding of a handshaken strict engine, or null if {@code engine} is not one. */
    public static byte[] exporter(SSLEngine engine) {
        if (!(engine instanceof BCSSLEngine bc) || bc.getConnection() == null) {
            return null;
        }
        try {
            return bc.getConnection().getChannelBinding(CHANNEL_BINDING);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
