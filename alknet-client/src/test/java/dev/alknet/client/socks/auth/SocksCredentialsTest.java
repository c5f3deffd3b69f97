package dev.alknet.client.socks.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocksCredentialsTest {

    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void matchesOnlyTheExactPair() {
        SocksCredentials c = SocksCredentials.of("ü", b("secret"));
        assertTrue(c.matches(b("ü"), b("secret")));
        assertFalse(c.matches(b("ü"), b("secreT")));
        assertFalse(c.matches(b("ü"), b("secret ")));
        assertFalse(c.matches(b("ü"), b("secre")));
        assertFalse(c.matches(b("u"), b("secret")));
        assertFalse(c.matches(b("ü"), new byte[0]));
        assertFalse(c.matches(null, b("secret")));
        assertFalse(c.toString().contains("secret"));
    }

    @Test
    void thePasswordIsTheFileWithoutItsLineEnd() throws Exception {
        for (String content : new String[] {"pw x\n", "pw x\r\n", "pw x"}) {
            Path f = dir.resolve("pw" + content.length());
            Files.writeString(f, content);
            assertTrue(SocksCredentials.fromFile("u", f).matches(b("u"), b("pw x")), content);
        }
    }

    @Test
    void unusableValuesAreRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Path twoLines = Files.writeString(dir.resolve("two"), "a\nb\n");
        Path tooLong = Files.writeString(dir.resolve("long"), "x".repeat(256));
        assertThrows(IllegalArgumentException.class, () -> SocksCredentials.fromFile("u", empty));
        assertThrows(IllegalArgumentException.class, () -> SocksCredentials.fromFile("u", twoLines));
        assertThrows(IllegalArgumentException.class, () -> SocksCredentials.fromFile("u", tooLong));
        assertThrows(IllegalArgumentException.class, () -> SocksCredentials.of("", b("p")));
        assertThrows(IllegalArgumentException.class, () -> SocksCredentials.of("é".repeat(128), b("p")));
        assertThrows(java.io.IOException.class, () -> SocksCredentials.fromFile("u", dir.resolve("missing")));
        SocksCredentials.of("x".repeat(255), b("y".repeat(255))); // the RFC 1929 maximum
    }
}
