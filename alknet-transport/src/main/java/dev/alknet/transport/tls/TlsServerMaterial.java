package dev.alknet.transport.tls;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a tls/quic listener gets its certificate: PEM files ({@code --tls-cert/--tls-key}) or a
 * directory holding a self-signed one made on first start ({@link TlsCertificates#loadOrCreate}).
 */
public record TlsServerMaterial(Path certFile, Path keyFile, Path selfSignedDir, String commonName) {

    public TlsServerMaterial {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if ((certFile == null) == (selfSignedDir == null)) {
            throw new IllegalArgumentException("give either PEM files or a directory for a self-signed certificate");
        }
    }

    /** Operator-supplied PEM files. */
    public static TlsServerMaterial pem(Path certFile, Path keyFile) {
        return new TlsServerMaterial(certFile, keyFile, null, null);
    }

    /** A self-signed certificate kept in {@code dir}; {@code commonName} may be null ("alknet"). */
    public static TlsServerMaterial selfSigned(Path dir, String commonName) {
        return new TlsServerMaterial(null, null, dir, commonName);
    }

    /** Loads the key and chain (creating the self-signed pair if needed). */
    public TlsKeyMaterial load() throws IOException {
        return certFile != null ? TlsCertificates.loadPem(certFile, keyFile)
                : TlsCertificates.loadOrCreate(selfSignedDir, commonName);
    }
}
