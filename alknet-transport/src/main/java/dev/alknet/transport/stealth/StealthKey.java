package dev.alknet.transport.stealth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The per-server secret of {@code --stealth=strict} (docs/adr/0014): 32 random bytes, written as
 * unpadded base64url (43 characters) in {@code <home>/stealth_key} and in share strings.
 */
public final class StealthKey {

    public static final int LENGTH = 32;
    public static final String FILE = "stealth_key";

    private final byte[] bytes;

    private StealthKey(byte[] bytes) {
        this.bytes = bytes;
    }

    public static StealthKey random() {
        byte[] b = new byte[LENGTH];
        new SecureRandom().nextBytes(b);
        return new StealthKey(b);
    }

    /** Parses the base64url text form; a one-line reason if it is not a key. */
    public static StealthKey parse(String text) {
        byte[] b;
        try {
            b = Base64.getUrlDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stealth key: not base64url (expected the 43 characters 'alknet serve'"
                    + " printed)");
        }
        if (b.length != LENGTH) {
            throw new IllegalArgumentException("stealth key: " + b.length + " bytes, expected " + LENGTH);
        }
        return new StealthKey(b);
    }

    /** Reads the key in {@code file}. */
    public static StealthKey load(Path file) throws IOException {
        try {
            return parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the key in {@code file}, or makes one there (mode 0600) if there is none; see {@link Loaded}. */
    public static Loaded loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return new Loaded(load(file), false);
        }
        StealthKey key = random();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, key.text() + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        return new Loaded(key, true);
    }

    /** A key and whether it was just made. */
    public record Loaded(StealthKey key, boolean created) {
    }

    public String text() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StealthKey k && java.security.MessageDigest.isEqual(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "StealthKey[...]"; // never the secret in logs
    }
}
