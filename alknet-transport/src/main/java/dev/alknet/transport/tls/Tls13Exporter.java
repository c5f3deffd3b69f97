package dev.alknet.transport.tls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The TLS 1.3 exporter (RFC 8446 §7.5) computed from the session's exporter_master_secret: what
 * {@code SSL_export_keying_material} returns, for the OpenSSL engine, whose JNI binding has no such call
 * (docs/adr/0019). Equal to JSSE's {@code exportKeyingMaterialData} with no context, so the engines interoperate.
 */
final class Tls13Exporter {

    private Tls13Exporter() {
    }

    /**
     * TLS-Exporter(label, "", length) = HKDF-Expand-Label(Derive-Secret(secret, label, ""), "exporter", Hash(""),
     * length); {@code sha384} for the SHA-384 suites, else SHA-256.
     */
    static byte[] export(byte[] exporterSecret, boolean sha384, String label, int length) {
        String hash = sha384 ? "SHA-384" : "SHA-256";
        String mac = sha384 ? "HmacSHA384" : "HmacSHA256";
        try {
            byte[] emptyHash = MessageDigest.getInstance(hash).digest();
            byte[] derived = expandLabel(mac, exporterSecret, label, emptyHash, emptyHash.length);
            return expandLabel(mac, derived, "exporter", emptyHash, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] expandLabel(String mac, byte[] secret, String label, byte[] context, int length)
            throws GeneralSecurityException {
        byte[] fullLabel = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.write(length >>> 8);
        info.write(length);
        info.write(fullLabel.length);
        info.writeBytes(fullLabel);
        info.write(context.length);
        info.writeBytes(context);
        return expand(mac, secret, info.toByteArray(), length);
    }

    /** HKDF-Expand (RFC 5869 §2.3). */
    private static byte[] expand(String macName, byte[] prk, byte[] info, int length) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(macName);
        mac.init(new SecretKeySpec(prk, macName));
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        int done = 0;
        for (int i = 1; done < length; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        return out;
    }
}
