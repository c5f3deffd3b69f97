package dev.alknet.transport.resume;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that lets a new carrier take over a detached stream. The server makes it and sends it inside
 * the encrypted SSH session; it never crosses a carrier in clear. A resume hello shows
 * {@code HMAC-SHA256(key, id || counter)} for a counter larger than any used before, so a hello seen on the
 * wire is useless again (single use: every resume rotates the proof) and nobody without the key can make one.
 */
public final class ResumeToken {

    public static final int ID_BYTES = 16;
    public static final int KEY_BYTES = 32;
    /** HMAC-SHA256. */
    public static final int PROOF_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] id;
    private final byte[] key;
    private long lastCounter = -1;

    public ResumeToken(byte[] id, byte[] key) {
        if (id.length != ID_BYTES || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("resume token: bad sizes " + id.length + "/" + key.length);
        }
        this.id = id.clone();
        this.key = key.clone();
    }

    public static ResumeToken random() {
        return random(null);
    }

    /**
     * A new token whose id starts with {@code idPrefix} (a server id: a load balancer reads it from the resume
     * hello, docs/scaling.md), random after it; null: all random. The id is not the secret (the key is).
     */
    public static ResumeToken random(byte[] idPrefix) {
        byte[] id = new byte[ID_BYTES];
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(key);
        if (idPrefix != null) {
            System.arraycopy(idPrefix, 0, id, 0, Math.min(idPrefix.length, ID_BYTES / 2));
        }
        return new ResumeToken(id, key);
    }

    public byte[] id() {
        return id.clone();
    }

    public byte[] key() {
        return key.clone();
    }

    public String idHex() {
        return HexFormat.of().formatHex(id);
    }

    /** Client: the counter for the next hello (never reused, even if that hello gets no answer). */
    public synchronized long nextCounter() {
        return ++lastCounter;
    }

    public byte[] proof(long counter) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(id);
            for (int i = 7; i >= 0; i--) {
                mac.update((byte) (counter >>> (i * 8)));
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Server: accepts a proof once, for a counter above every counter accepted before. */
    public synchronized boolean accept(long counter, byte[] proof) {
        boolean ok = MessageDigest.isEqual(proof(counter), proof);
        if (!ok || counter <= lastCounter) {
            return false;
        }
        lastCounter = counter;
        return true;
    }
}
