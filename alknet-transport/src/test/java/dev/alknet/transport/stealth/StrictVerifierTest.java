package dev.alknet.transport.stealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.transport.stealth.StrictVerifier.Verdict;
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

    private static final byte[] SESSION_A = filled(32, 0xA);
    private static final byte[] SESSION_B = filled(32, 0xB);

    private String token(StealthKey k, String scheme, long ts, int nonceSeed) {
        return token(k, scheme, new byte[0], ts, nonceSeed);
    }

    private String token(StealthKey k, String scheme, byte[] binding, long ts, int nonceSeed) {
        byte[] nonce = new byte[StrictProof.NONCE];
        nonce[0] = (byte) nonceSeed;
        nonce[1] = (byte) (nonceSeed >> 8);
        return StrictProof.token(k, scheme, binding, ts, nonce);
    }

    private static byte[] filled(int n, int b) {
        byte[] a = new byte[n];
        java.util.Arrays.fill(a, (byte) b);
        return a;
    }

    /** Accepted on a stream without binding (tcp, or a server that cannot export). */
    private boolean accept(String token, String scheme, byte[] binding) {
        return verifier.accept(token, scheme, binding, true).accepted();
    }

    @Test
    void aFreshTokenIsAcceptedOnceAndOnlyForItsScheme() {
        String t = token(key, "tls", NOW, 1);
        assertEquals(StrictProof.TEXT, t.length());
        assertFalse(accept(t, "tcp", new byte[0]));
        assertTrue(accept(t, "tls", new byte[0]));
        assertFalse(accept(t, "tls", new byte[0]), "replayed");
        assertEquals(1, verifier.held());
    }

    @Test
    void theWindowIs120SecondsEitherWay() {
        assertTrue(accept(token(key, "tcp", NOW - 120, 2), "tcp", new byte[0]));
        assertTrue(accept(token(key, "tcp", NOW + 120, 3), "tcp", new byte[0]));
        assertFalse(accept(token(key, "tcp", NOW - 121, 4), "tcp", new byte[0]));
        assertFalse(accept(token(key, "tcp", NOW + 121, 5), "tcp", new byte[0]));
    }

    @Test
    void wrongKeysBindingsAndShapesAreRefused() {
        assertFalse(accept(token(StealthKey.random(), "tcp", NOW, 6), "tcp", new byte[0]));
        assertFalse(accept(token(key, "tcp", SESSION_A, NOW, 7), "tcp", new byte[0]), "bound, on a stream without");
        String t = token(key, "tcp", NOW, 8);
        char flipped = t.charAt(40) == 'A' ? 'B' : 'A';
        assertFalse(accept(t.substring(0, 40) + flipped + t.substring(41), "tcp", new byte[0]));
        assertFalse(accept(t.substring(1), "tcp", new byte[0]));
        assertFalse(accept(t.replace(t.charAt(3), '+'), "tcp", new byte[0]));
        assertEquals(0, verifier.held());
    }

    @Test
    void aBoundTokenPassesOnlyOnItsOwnSessionAndOnlyOnce() {
        String t = token(key, "tls", SESSION_A, NOW, 20);
        assertEquals(Verdict.REFUSED, verifier.accept(t, "tls", SESSION_B, true), "relayed to another session");
        assertEquals(Verdict.REFUSED, verifier.accept(t, "tls", new byte[0], true), "to a server that cannot export");
        assertEquals(Verdict.BOUND, verifier.accept(t, "tls", SESSION_A, false));
        assertEquals(Verdict.REFUSED, verifier.accept(t, "tls", SESSION_A, false), "replayed");
        assertEquals(1, verifier.held());
    }

    @Test
    void anUnboundTokenPassesUnlessBindingIsRequired() {
        String t = token(key, "tls", NOW, 21);
        assertEquals(Verdict.REFUSED, verifier.accept(t, "tls", SESSION_A, false), "required");
        assertEquals(0, verifier.held(), "a refusal does not use the token up");
        assertEquals(Verdict.UNBOUND, verifier.accept(t, "tls", SESSION_A, true));
        assertEquals(Verdict.REFUSED, verifier.accept(t, "tls", SESSION_B, true), "replayed");
        assertEquals(Verdict.REFUSED, verifier.accept(t, "tls", new byte[0], false), "no binding, none allowed");
    }

    @Test
    void aNonceIsUsedUpWhicheverBindingItCameWith() {
        assertEquals(Verdict.BOUND, verifier.accept(token(key, "tls", SESSION_A, NOW, 22), "tls", SESSION_A, true));
        assertEquals(Verdict.REFUSED, verifier.accept(token(key, "tls", NOW, 22), "tls", SESSION_A, true));
        assertEquals(Verdict.UNBOUND, verifier.accept(token(key, "tls", NOW, 23), "tls", SESSION_B, true));
        assertEquals(Verdict.REFUSED, verifier.accept(token(key, "tls", SESSION_B, NOW, 23), "tls", SESSION_B, true));
        assertEquals(2, verifier.held());
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
