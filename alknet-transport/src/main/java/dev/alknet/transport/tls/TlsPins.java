package dev.alknet.transport.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * SPKI pins: {@code "sha256/" + base64(sha256(SubjectPublicKeyInfo DER))}, the format of HPKP and
 * {@code curl --pinnedpubkey}. A pin survives certificate renewal as long as the key stays.
 */
public final class TlsPins {

    public static final String PREFIX = "sha256/";

    private TlsPins() {
    }

    /** The pin of {@code cert}'s public key. */
    public static String of(X509Certificate cert) {
        try {
            byte[] spki = cert.getPublicKey().getEncoded(); // X.509 SubjectPublicKeyInfo DER
            return PREFIX + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks the syntax of a pin given by a user; returns it unchanged. */
    public static String parse(String pin) {
        String usage = " (expected sha256/ followed by the base64 SHA-256 of the server's public key, "
                + "as the server prints at startup)";
        if (pin == null || !pin.startsWith(PREFIX)) {
            throw new IllegalArgumentException("bad pin '" + pin + "'" + usage);
        }
        byte[] digest;
        try {
            digest = Base64.getDecoder().decode(pin.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad pin '" + pin + "': not base64" + usage);
        }
        if (digest.length != 32) {
            throw new IllegalArgumentException("bad pin '" + pin + "': " + digest.length + " bytes, not 32" + usage);
        }
        return pin;
    }
}
