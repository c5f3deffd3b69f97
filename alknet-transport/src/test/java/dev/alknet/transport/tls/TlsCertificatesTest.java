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
