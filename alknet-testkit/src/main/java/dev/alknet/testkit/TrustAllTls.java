package dev.alknet.testkit;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS client context that accepts any server certificate: for tests that look at what a server presents (its
 * certificate, its ALPN, how it answers) rather than at whether a client would trust it. Never for main code.
 */
public final class TrustAllTls {

    /** Trusts every chain; names no issuer. */
    public static final X509TrustManager TRUST_ALL = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // trusted: the test looks at the peer, it does not vet it
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // trusted: the test looks at the peer, it does not vet it
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    private TrustAllTls() {
    }

    /** A client context for {@code protocol} ("TLS", "TLSv1.3", ...) that trusts any server certificate. */
    public static SSLContext context(String protocol) throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance(protocol);
        ctx.init(null, new TrustManager[] {TRUST_ALL}, null);
        return ctx;
    }

    /** {@link #context(String)} for "TLS". */
    public static SSLContext context() throws GeneralSecurityException {
        return context("TLS");
    }
}
