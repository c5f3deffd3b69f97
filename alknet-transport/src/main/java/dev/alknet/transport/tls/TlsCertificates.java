package dev.alknet.transport.tls;

import dev.alknet.transport.Resolver;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Server certificates: PEM files given by the operator, or a self-signed one (ECDSA P-256, 90 days like a
 * Let's Encrypt one) created on first start and kept in a directory, like Netty's {@code SelfSignedCertificate}
 * but persistent so that clients' pins stay valid across restarts: {@link #renewSelfSigned} signs it again with
 * the same key before it expires, or when its name is not the one configured.
 */
public final class TlsCertificates {

    public static final String CERT_FILE = "tls_cert.pem";
    public static final String KEY_FILE = "tls_key.pem";

    static final Duration VALIDITY = Duration.ofDays(90);

    private TlsCertificates() {
    }

    /**
     * Loads {@code dir/tls_cert.pem} + {@code dir/tls_key.pem}, creating them (key mode 0600) if absent.
     * {@code commonName} (a host name or IP) goes into the subject and SAN of a new certificate.
     */
    public static TlsKeyMaterial loadOrCreate(Path dir, String commonName) throws IOException {
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        if (Files.exists(cert)) {
            if (!Files.exists(key)) {
                throw new IOException(cert + " exists but " + key + " is missing: restore it, or delete both "
                        + "to make a new certificate (clients' pins will change)");
            }
            return loadPem(cert, key);
        }
        createDirectory(dir);
        TlsKeyMaterial created = generate(nameOrDefault(commonName));
        // Key first, certificate last: the certificate's presence means the pair is complete.
        writeAtomically(key, pem("PRIVATE KEY", created.key().getEncoded()), true);
        writeAtomically(cert, certificatePem(created.certificate()), false);
        return created;
    }

    /** The name of a self-signed certificate when none is configured: says nothing about the machine. */
    public static final String DEFAULT_NAME = "localhost";

    private static String nameOrDefault(String name) {
        return name == null || name.isBlank() ? DEFAULT_NAME : name;
    }

    /**
     * The self-signed pair in {@code dir} ({@link #loadOrCreate}), signed again with the same key (so pins stay)
     * when its last third of life began ({@code now} past 2/3 of it), it lives longer than {@value #VALIDITY_DAYS}
     * days (made by an older version), or its name is not {@code commonName}. Returns what is now on disk.
     */
    public static TlsKeyMaterial renewSelfSigned(Path dir, String commonName, Instant now) throws IOException {
        TlsKeyMaterial km = loadOrCreate(dir, commonName);
        X509Certificate c = km.certificate();
        String name = nameOrDefault(commonName);
        Instant from = c.getNotBefore().toInstant();
        Instant to = c.getNotAfter().toInstant();
        boolean due = now.isAfter(renewalTime(from, to)) || Duration.between(from, to).compareTo(VALIDITY.plusDays(2)) > 0
                || !HostnameMatcher.matches(c, name) || !c.getSubjectX500Principal().getName().equals("CN=" + name);
        if (!due) {
            return km;
        }
        TlsKeyMaterial renewed = sign(new KeyPair(c.getPublicKey(), km.key()), name, now);
        writeAtomically(dir.resolve(CERT_FILE), certificatePem(renewed.certificate()), false);
        return renewed;
    }

    /** When a certificate valid from {@code from} to {@code to} is renewed: at 2/3 of its lifetime. */
    public static Instant renewalTime(Instant from, Instant to) {
        return from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
    }

    static final int VALIDITY_DAYS = 90;

    /** Writes a key (0600) and then its chain, each atomically, leaf first. */
    public static void writePem(TlsKeyMaterial km, Path certFile, Path keyFile) throws IOException {
        createDirectory(certFile.getParent());
        writeAtomically(keyFile, pem("PRIVATE KEY", km.key().getEncoded()), true);
        writeAtomically(certFile, chainPem(km.chain()), false);
    }

    /** PEM text of a certificate chain. */
    public static String chainPem(List<X509Certificate> chain) throws IOException {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : chain) {
            out.append(certificatePem(c));
        }
        return out.toString();
    }

    /** Writes {@code content} to {@code target} atomically, mode 0600 if {@code secret}. */
    public static void writeFile(Path target, String content, boolean secret) throws IOException {
        createDirectory(target.getParent());
        writeAtomically(target, content, secret);
    }

    /** PEM text of a private key (PKCS#8). */
    public static String keyPem(PrivateKey key) throws IOException {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** Whether {@code km}'s private key belongs to its leaf certificate (a signature made with one checks with the other). */
    public static boolean keyMatches(TlsKeyMaterial km) {
        String alg = switch (km.key().getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA"; // ECDSA: a key BouncyCastle read
            case "RSA" -> "SHA256withRSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> km.key().getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            java.security.Signature sign = java.security.Signature.getInstance(alg);
            if (alg.equals("RSASSA-PSS")) {
                sign.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            sign.initSign(km.key());
            sign.update(probe);
            byte[] sig = sign.sign();
            java.security.Signature verify = java.security.Signature.getInstance(alg);
            if (alg.equals("RSASSA-PSS")) {
                verify.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            verify.initVerify(km.certificate().getPublicKey());
            verify.update(probe);
            return verify.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Reads a PEM private key (as {@link #loadPem} does). */
    public static PrivateKey loadKey(Path keyFile) throws IOException {
        return readKey(keyFile);
    }

    /** Loads a PEM certificate chain (leaf first) and a PEM private key (PKCS#8, PKCS#1 or SEC1, unencrypted). */
    public static TlsKeyMaterial loadPem(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(certFile, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    chain.add(converter.getCertificate(h));
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(certFile + ": not a PEM certificate (" + e.getMessage() + ")", e);
        }
        if (chain.isEmpty()) {
            throw new IOException(certFile + ": no PEM certificate in it");
        }
        return new TlsKeyMaterial(readKey(keyFile), chain);
    }

    private static PrivateKey readKey(Path keyFile) throws IOException {
        try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IOException(keyFile + ": encrypted private keys are not supported");
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(keyFile + ": not a PEM private key (" + e.getMessage() + ")", e);
        }
        throw new IOException(keyFile + ": no PEM private key in it");
    }

    /** A new self-signed certificate for {@code commonName} (DNS name or IP literal). */
    public static TlsKeyMaterial generate(String commonName) throws IOException {
        return sign(newKeyPair(), commonName, Instant.now());
    }

    /** A new ECDSA P-256 key pair. */
    public static KeyPair newKeyPair() throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create a key: " + e.getMessage(), e);
        }
    }

    private static TlsKeyMaterial sign(KeyPair kp, String commonName, Instant now) throws IOException {
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(63, new SecureRandom()).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), subject, kp.getPublic());
            GeneralName san = Resolver.isIpLiteral(commonName)
                    ? new GeneralName(GeneralName.iPAddress, commonName)
                    : new GeneralName(GeneralName.dNSName, commonName);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
            return new TlsKeyMaterial(kp.getPrivate(), List.of(cert));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static String certificatePem(X509Certificate cert) throws IOException {
        try {
            return pem("CERTIFICATE", cert.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
    }

    private static String pem(String type, byte[] der) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new PemObject(type, der));
        }
        return out.toString();
    }

    private static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            // created concurrently
        }
    }

    private static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path tmp;
        try {
            tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        } catch (UnsupportedOperationException e) {
            tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
        }
        try {
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
