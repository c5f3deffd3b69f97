package dev.alknet.transport.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** A server's private key and certificate chain (leaf first), as used by the tls and quic listeners. */
public record TlsKeyMaterial(PrivateKey key, List<X509Certificate> chain) {

    public TlsKeyMaterial {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The SPKI pin of the leaf certificate, for clients' {@code pin} option: print it at startup. */
    public String pin() {
        return TlsPins.of(certificate());
    }

    X509Certificate[] chainArray() {
        return chain.toArray(new X509Certificate[0]);
    }
}
