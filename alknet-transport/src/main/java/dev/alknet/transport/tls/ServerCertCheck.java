package dev.alknet.transport.tls;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The client's check of the server certificate for one dial ({@link TlsClientOptions}): SPKI pin, and/or
 * system CAs plus host name, or nothing. It remembers why it refused, so the dial can report that one line
 * even when the TLS stack (BoringSSL under QUIC) only passes on an alert code.
 */
final class ServerCertCheck extends X509ExtendedTrustManager {

    private final TlsClientOptions options;
    private final String expectedName;
    private volatile String refusal;

    ServerCertCheck(TlsClientOptions options, String host) {
        this.options = options;
        this.expectedName = options.expectedName(host);
    }

    /** Why the certificate was refused, or null. */
    String refusal() {
        return refusal;
    }

    private void check(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw refuse("server sent no certificate");
        }
        if (options.pin() != null) {
            String seen = TlsPins.of(chain[0]);
            if (!options.pins().contains(seen)) {
                throw refuse("certificate pin mismatch: expected " + (options.pins().size() > 1 ? "one of " : "")
                        + options.pin() + ", server has " + seen);
            }
        }
        if (options.verify()) {
            try {
                SystemTrust.get().checkServerTrusted(chain, authType == null || authType.isEmpty() ? "UNKNOWN" : authType);
            } catch (CertificateException e) {
                throw refuse("certificate not trusted by the system CAs (" + e.getMessage() + ")");
            }
            if (!HostnameMatcher.matches(chain[0], expectedName)) {
                throw refuse("certificate does not match the name " + expectedName);
            }
        }
    }

    private CertificateException refuse(String why) {
        refusal = why;
        return new CertificateException(why);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("alknet clients do not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    /** The JDK's default trust manager (cacerts, or javax.net.ssl.trustStore), loaded once. */
    private static final class SystemTrust {
        private static final X509TrustManager INSTANCE = load();

        static X509TrustManager get() {
            return INSTANCE;
        }

        private static X509TrustManager load() {
            try {
                TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                f.init((KeyStore) null);
                for (var tm : f.getTrustManagers()) {
                    if (tm instanceof X509TrustManager x) {
                        return x;
                    }
                }
                throw new IllegalStateException("no X509TrustManager in the JDK");
            } catch (Exception e) {
                throw new IllegalStateException("cannot load the system CAs: " + e.getMessage(), e);
            }
        }
    }
}
