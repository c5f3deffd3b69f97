package dev.alknet.transport.tls;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a tls/quic listener gets its certificate: PEM files ({@code --tls-cert/--tls-key}), a directory holding
 * a self-signed one made on first start ({@link TlsCertificates#loadOrCreate}), or a {@link LiveCertificate} that
 * its owner replaces while the listeners run (renewal, reload).
 */
public record TlsServerMaterial(Path certFile, Path keyFile, Path selfSignedDir, String commonName,
        LiveCertificate live) {

    public TlsServerMaterial {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        int sources = (certFile != null ? 1 : 0) + (selfSignedDir != null ? 1 : 0) + (live != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalArgumentException("give either PEM files or a directory for a self-signed certificate");
        }
    }

    /** A certificate that can change while the listeners run: each new handshake uses the current one. */
    public static TlsServerMaterial live(LiveCertificate live) {
        return new TlsServerMaterial(null, null, null, null, live);
    }

    /** Operator-supplied PEM files. */
    public static TlsServerMaterial pem(Path certFile, Path keyFile) {
        return new TlsServerMaterial(certFile, keyFile, null, null, null);
    }

    /** A self-signed certificate kept in {@code dir}; {@code commonName} may be null ("alknet"). */
    public static TlsServerMaterial selfSigned(Path dir, String commonName) {
        return new TlsServerMaterial(null, null, dir, commonName, null);
    }

    /** Loads the key and chain (creating the self-signed pair if needed). */
    public TlsKeyMaterial load() throws IOException {
        if (live != null) {
            return live.current();
        }
        return certFile != null ? TlsCertificates.loadPem(certFile, keyFile)
                : TlsCertificates.loadOrCreate(selfSignedDir, commonName);
    }
}
