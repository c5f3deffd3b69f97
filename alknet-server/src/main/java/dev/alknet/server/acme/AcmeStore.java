package dev.alknet.server.acme;

import dev.alknet.transport.tls.TlsCertificates;
import dev.alknet.transport.tls.TlsKeyMaterial;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import org.shredzone.acme4j.util.KeyPairUtils;

/** The files of {@code --tls-acme} in the home's {@code acme/} (0700): account key, certificate key (0600), chain. */
final class AcmeStore {

    static {
        // acme4j's key and certificate helpers ask for the "BC" provider by name; appended, it is chosen for nothing else
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
    }

    private final Path dir;

    AcmeStore(Path dir) {
        this.dir = dir;
    }

    Path certFile() {
        return dir.resolve("cert.pem");
    }

    Path keyFile() {
        return dir.resolve("key.pem");
    }

    /** The account key, made (P-256) on first use. */
    KeyPair accountKey() throws IOException {
        return loadOrCreate(dir.resolve("account_key.pem"));
    }

    /** The certificate key kept across renewals, or null before the first. */
    KeyPair certificateKey() throws IOException {
        return Files.exists(keyFile()) ? read(keyFile()) : null;
    }

    /** A fresh certificate key (not yet written). */
    static KeyPair newKey() {
        return KeyPairUtils.createECKeyPair("secp256r1");
    }

    /** The stored certificate if it is whole and names all of {@code domains}, else null. */
    TlsKeyMaterial stored(Collection<String> domains) {
        if (!Files.exists(certFile()) || !Files.exists(keyFile())) {
            return null;
        }
        try {
            TlsKeyMaterial km = TlsCertificates.loadPem(certFile(), keyFile());
            return names(km.certificate()).containsAll(domains) ? km : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Key first (0600), chain last: the chain's presence means the pair is complete. */
    void save(KeyPair key, List<X509Certificate> chain) throws IOException {
        TlsCertificates.writeFile(keyFile(), pem(key), true);
        TlsCertificates.writeFile(certFile(), TlsCertificates.chainPem(chain), false);
    }

    static List<String> names(X509Certificate c) {
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans == null) {
                return List.of();
            }
            return sans.stream().filter(s -> Integer.valueOf(2).equals(s.get(0))).map(s -> s.get(1).toString()
                    .toLowerCase(java.util.Locale.ROOT)).toList();
        } catch (java.security.cert.CertificateParsingException e) {
            return List.of();
        }
    }

    private static KeyPair loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return read(file);
        }
        KeyPair kp = newKey();
        TlsCertificates.writeFile(file, pem(kp), true);
        return kp;
    }

    private static KeyPair read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            return KeyPairUtils.readKeyPair(r);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a PEM key pair (" + e.getMessage() + ")", e);
        }
    }

    private static String pem(KeyPair kp) throws IOException {
        StringWriter w = new StringWriter();
        KeyPairUtils.writeKeyPair(kp, w);
        return w.toString();
    }
}
