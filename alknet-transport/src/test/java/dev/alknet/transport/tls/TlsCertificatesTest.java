package dev.alknet.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsCertificatesTest {

    @TempDir
    Path dir;

    @Test
    void selfSignedIsCreatedOnceAndReused() throws Exception {
        Path d = dir.resolve("keys");
        TlsKeyMaterial first = TlsCertificates.loadOrCreate(d, "tunnel.example.org");
        assertTrue(Files.exists(d.resolve(TlsCertificates.CERT_FILE)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(d.resolve(TlsCertificates.KEY_FILE))));
        String certPem = Files.readString(d.resolve(TlsCertificates.CERT_FILE));
        TlsKeyMaterial second = TlsCertificates.loadOrCreate(d, "ignored.now");
        assertEquals(first.pin(), second.pin());
        assertEquals(first.certificate(), second.certificate());
        assertEquals(certPem, Files.readString(d.resolve(TlsCertificates.CERT_FILE)));
        assertTrue(first.certificate().getSubjectX500Principal().getName().contains("CN=tunnel.example.org"));
        assertTrue(HostnameMatcher.matches(first.certificate(), "tunnel.example.org"));
        try (var files = Files.list(d)) {
            assertEquals(2, files.count(), "no temp files left behind");
        }
    }

    @Test
    void selfSignedLives90DaysAndIsSignedAgainWithTheSameKey() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        TlsKeyMaterial made = TlsCertificates.renewSelfSigned(dir, "www.example.org", now);
        java.time.Duration life = java.time.Duration.between(made.certificate().getNotBefore().toInstant(),
                made.certificate().getNotAfter().toInstant());
        assertTrue(life.toDays() >= 90 && life.toDays() <= 91, life.toString());
        assertEquals("EC", made.certificate().getPublicKey().getAlgorithm());
        assertEquals(made.certificate(), TlsCertificates.renewSelfSigned(dir, "www.example.org", now).certificate(),
                "not due: unchanged");
        // in the last third of its life: signed again, same key (clients' pins stay), new validity
        TlsKeyMaterial renewed = TlsCertificates.renewSelfSigned(dir, "www.example.org", now.plus(java.time.Duration.ofDays(61)));
        assertEquals(made.pin(), renewed.pin());
        assertFalse(made.certificate().equals(renewed.certificate()));
        assertEquals(renewed.certificate(), TlsCertificates.loadOrCreate(dir, "x").certificate(), "written in place");
        // another configured name (e.g. one that used to be the machine's host name): signed again for it
        TlsKeyMaterial renamed = TlsCertificates.renewSelfSigned(dir, null, now);
        assertEquals(made.pin(), renamed.pin());
        assertTrue(HostnameMatcher.matches(renamed.certificate(), TlsCertificates.DEFAULT_NAME));
        assertFalse(HostnameMatcher.matches(renamed.certificate(), "www.example.org"));
    }

    @Test
    void aKeyOfAnotherCertificateDoesNotMatch() throws Exception {
        TlsKeyMaterial a = TlsCertificates.generate("a.example.org");
        TlsKeyMaterial b = TlsCertificates.generate("b.example.org");
        assertTrue(TlsCertificates.keyMatches(a));
        assertFalse(TlsCertificates.keyMatches(new TlsKeyMaterial(b.key(), a.chain())));
    }

    @Test
    void severalPinsAcceptAnyOfThem() {
        String a = "sha256/" + Base64.getEncoder().encodeToString(new byte[32]);
        String b = "sha256/" + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        assertEquals(java.util.List.of(a, b), new TlsClientOptions(a + ", " + b, false, null).pins());
        assertThrows(IllegalArgumentException.class, () -> new TlsClientOptions(a + ",", false, null));
        assertThrows(IllegalArgumentException.class, () -> new TlsClientOptions(a + ",sha256/xyz", false, null));
    }

    @Test
    void pemFilesLoadAndPinIsSha256OfSpki() throws Exception {
        TlsKeyMaterial km = TlsCertificates.loadOrCreate(dir, "x");
        TlsKeyMaterial pem = TlsServerMaterial.pem(dir.resolve(TlsCertificates.CERT_FILE),
                dir.resolve(TlsCertificates.KEY_FILE)).load();
        assertEquals(km.pin(), pem.pin());
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(km.certificate().getPublicKey().getEncoded());
        assertEquals("sha256/" + Base64.getEncoder().encodeToString(digest), km.pin());
        assertEquals(51, km.pin().length());
    }

    @Test
    void missingKeyIsAnErrorNotANewCertificate() throws Exception {
        TlsCertificates.loadOrCreate(dir, "x");
        Files.delete(dir.resolve(TlsCertificates.KEY_FILE));
        var e = assertThrows(java.io.IOException.class, () -> TlsCertificates.loadOrCreate(dir, "x"));
        assertTrue(e.getMessage().contains("is missing"), e.getMessage());
    }

    @Test
    void badPinsAreRejectedWithAHint() {
        var e = assertThrows(IllegalArgumentException.class, () -> new TlsClientOptions("abc", false, null));
        assertTrue(e.getMessage().contains("sha256/"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TlsPins.parse("sha256/AAAA"));
        assertThrows(IllegalArgumentException.class, () -> TlsPins.parse("sha256/!!!"));
    }

    @Test
    void hostnameMatching() throws Exception {
        var wildcard = TlsCertificates.generate("*.example.org").certificate();
        assertTrue(HostnameMatcher.matches(wildcard, "a.example.org"));
        assertTrue(HostnameMatcher.matches(wildcard, "A.Example.Org."));
        assertFalse(HostnameMatcher.matches(wildcard, "example.org"));
        assertFalse(HostnameMatcher.matches(wildcard, "a.b.example.org"));
        var ip = TlsCertificates.generate("10.1.2.3").certificate();
        assertTrue(HostnameMatcher.matches(ip, "10.1.2.3"));
        assertFalse(HostnameMatcher.matches(ip, "10.1.2.4"));
        var v6 = TlsCertificates.generate("::1").certificate();
        assertTrue(HostnameMatcher.matches(v6, "0:0:0:0:0:0:0:1"));
    }

    @Test
    void sniRules() {
        assertEquals("h.example", TlsClientOptions.NONE.sniFor("h.example"));
        assertEquals(null, TlsClientOptions.NONE.sniFor("192.0.2.1"));
        assertEquals(null, TlsClientOptions.NONE.sniFor("2001:db8::1"));
        assertEquals("front.example", new TlsClientOptions(null, false, "front.example").sniFor("192.0.2.1"));
    }
}
