package dev.alknet.transport.stealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StrictVerifierTest {

    private static final long NOW = 1_800_000_000L;
    private final StealthKey key = StealthKey.random();
    private final StrictVerifier verifier = new StrictVerifier(key,
            Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    private String token(StealthKey k, String scheme, long ts, int nonceSeed) {
        byte[] nonce = new byte[StrictProof.NONCE];
        nonce[0] = (byte) nonceSeed;
        nonce[1] = (byte) (nonceSeed >> 8);
        return StrictProof.token(k, scheme, new byte[0], ts, nonce);
    }

    @Test
    void aFreshTokenIsAcceptedOnceAndOnlyForItsScheme() {
        String t = token(key, "tls", NOW, 1);
        assertEquals(StrictProof.TEXT, t.length());
        assertFalse(verifier.accept(t, "tcp", new byte[0]));
        assertTrue(verifier.accept(t, "tls", new byte[0]));
        assertFalse(verifier.accept(t, "tls", new byte[0]), "replayed");
        assertEquals(1, verifier.held());
    }

    @Test
    void theWindowIs120SecondsEitherWay() {
        assertTrue(verifier.accept(token(key, "tcp", NOW - 120, 2), "tcp", new byte[0]));
        assertTrue(verifier.accept(token(key, "tcp", NOW + 120, 3), "tcp", new byte[0]));
        assertFalse(verifier.accept(token(key, "tcp", NOW - 121, 4), "tcp", new byte[0]));
        assertFalse(verifier.accept(token(key, "tcp", NOW + 121, 5), "tcp", new byte[0]));
    }

    @Test
    void wrongKeysBindingsAndShapesAreRefused() {
        assertFalse(verifier.accept(token(StealthKey.random(), "tcp", NOW, 6), "tcp", new byte[0]));
        assertFalse(verifier.accept(token(key, "tcp", NOW, 7), "tcp", new byte[] {1}));
        String t = token(key, "tcp", NOW, 8);
        char flipped = t.charAt(40) == 'A' ? 'B' : 'A';
        assertFalse(verifier.accept(t.substring(0, 40) + flipped + t.substring(41), "tcp", new byte[0]));
        assertFalse(verifier.accept(t.substring(1), "tcp", new byte[0]));
        assertFalse(verifier.accept(t.replace(t.charAt(3), '+'), "tcp", new byte[0]));
        assertEquals(0, verifier.held());
    }

    @Test
    void theKeyFileIsMadeOncePrivateAndReadBack(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve(StealthKey.FILE);
        StealthKey.Loaded made = StealthKey.loadOrCreate(file);
        assertTrue(made.created());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        StealthKey.Loaded again = StealthKey.loadOrCreate(file);
        assertFalse(again.created());
        assertEquals(made.key(), again.key());
        assertEquals(made.key(), StealthKey.parse(made.key().text()));
        assertThrows(IllegalArgumentException.class, () -> StealthKey.parse("short"));
        assertThrows(IllegalArgumentException.class, () -> StealthKey.parse("not base64 at all !!"));
    }
}
