package dev.alknet.transport.stealth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proof token of {@code --stealth=strict} (docs/adr/0014): {@code ts (8, seconds) || nonce (16) ||
 * HMAC-SHA256(K, label || scheme || 0 || binding || ts || nonce)[0..16]}, written as 54 base64url characters
 * in the path of an ordinary-looking {@code GET}. {@code binding} ties the token to the TLS session (the
 * exporter) where the transport has one, and is empty otherwise.
 */
public final class StrictProof {

    static final String LABEL = "alknet-strict-v1";
    static final int NONCE = 16;
    static final int TAG = 16;
    public static final int RAW = 8 + NONCE + TAG;
    /** Length of the token's text form (base64url of {@link #RAW} bytes, no padding). */
    public static final int TEXT = (RAW * 8 + 5) / 6;

    private StrictProof() {
    }

    /** The token's text form for a new proof. */
    public static String token(StealthKey key, String scheme, byte[] binding, long epochSeconds, byte[] nonce) {
        ByteBuffer raw = ByteBuffer.allocate(RAW);
        raw.putLong(epochSeconds).put(nonce).put(tag(key, scheme, binding, epochSeconds, nonce));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.array());
    }

    /** The parts of a token text, or null if it is not one (wrong length or alphabet). */
    static Parsed parse(String text) {
        if (text.length() != TEXT) {
            return null;
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        long ts = b.getLong();
        byte[] nonce = new byte[NONCE];
        b.get(nonce);
        byte[] tag = new byte[TAG];
        b.get(tag);
        return new Parsed(ts, nonce, tag);
    }

    record Parsed(long epochSeconds, byte[] nonce, byte[] tag) {
    }

    /** Whether {@code p}'s tag is right for this key, scheme and binding (constant-time compare). */
    static boolean tagMatches(StealthKey key, String scheme, byte[] binding, Parsed p) {
        return MessageDigest.isEqual(p.tag(), tag(key, scheme, binding, p.epochSeconds(), p.nonce()));
    }

    private static byte[] tag(StealthKey key, String scheme, byte[] binding, long ts, byte[] nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.bytes(), "HmacSHA256"));
            mac.update(LABEL.getBytes(StandardCharsets.US_ASCII));
            mac.update(scheme.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            mac.update(binding);
            mac.update(ByteBuffer.allocate(8).putLong(ts).array());
            mac.update(nonce);
            byte[] full = mac.doFinal();
            byte[] tag = new byte[TAG];
            System.arraycopy(full, 0, tag, 0, TAG);
            return tag;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
