package dev.alknet.transport.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager over a {@link LiveCertificate}, for the QUIC listener (netty's BoringSSL asks it at each
 * handshake): each handshake gets the certificate current when it began. The alias names one certificate, so
 * that chain and key asked for separately always belong together even if a replacement comes in between.
 */
final class LiveKeyManager extends X509ExtendedKeyManager {

    private final LiveCertificate live;
    private final Map<String, TlsKeyMaterial> byAlias = new ConcurrentHashMap<>();

    LiveKeyManager(LiveCertificate live) {
        this.live = live;
    }

    private String alias(String keyType) {
        TlsKeyMaterial km = live.current();
        String alg = keyAlgorithm(km.key());
        if (keyType != null && !keyType.equals(alg) && !keyType.startsWith(alg + "_")) {
            return null;
        }
        String alias = "live-" + Integer.toHexString(System.identityHashCode(km));
        if (byAlias.putIfAbsent(alias, km) == null && byAlias.size() > 4) {
            byAlias.keySet().removeIf(a -> !a.equals(alias) && byAlias.size() > 2);
        }
        return alias;
    }

    /**
     * The key's type as the TLS stack names it ("EC", "RSA", ...). A key read from PEM with BouncyCastle's provider
     * registered (MINA, acme4j) is BouncyCastle's and says "ECDSA": compared as is, it matched no "EC" ask, and every
     * QUIC handshake of a server that had read its certificate back from its files failed (CERT_CB_ERROR).
     */
    static String keyAlgorithm(PrivateKey key) {
        String alg = key.getAlgorithm();
        return "ECDSA".equals(alg) ? "EC" : alg;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String a = alias(keyType);
        return a == null ? null : new String[] {a};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        TlsKeyMaterial km = byAlias.get(alias);
        return km == null ? null : km.chainArray();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        TlsKeyMaterial km = byAlias.get(alias);
        return km == null ? null : km.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
