package dev.alknet.client.socks.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * The one user name and password the local proxy accepts. Compared in constant time: the time taken depends on
 * the configured values' lengths only, never on how much of a guess was right.
 */
public final class SocksCredentials {

    /** RFC 1929 carries each field with a one-byte length. */
    public static final int MAX_LENGTH = 255;

    private final byte[] user;
    private final byte[] password;

    private SocksCredentials(byte[] user, byte[] password) {
        this.user = user;
        this.password = password;
    }

    /** @throws IllegalArgumentException if either is empty or longer than 255 bytes in UTF-8 */
    public static SocksCredentials of(String user, byte[] password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        check(u, "user name");
        check(password, "password");
        return new SocksCredentials(u, password.clone());
    }

    /**
     * Reads the password from the first line of {@code file} (a trailing newline is not part of it).
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the password is empty, longer than 255 bytes or spans lines
     */
    public static SocksCredentials fromFile(String user, Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int end = all.length;
        if (end > 0 && all[end - 1] == '\n') {
            end--;
            if (end > 0 && all[end - 1] == '\r') {
                end--;
            }
        }
        byte[] password = Arrays.copyOf(all, end);
        Arrays.fill(all, (byte) 0);
        for (byte b : password) {
            if (b == '\n' || b == '\r') {
                throw new IllegalArgumentException("password file " + file + ": more than one line");
            }
        }
        if (password.length == 0) {
            throw new IllegalArgumentException("password file " + file + " is empty");
        }
        try {
            return of(user, password);
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    /** True if both match. Constant time in the guesses; both comparisons always run. */
    public boolean matches(byte[] userGuess, byte[] passwordGuess) {
        if (userGuess == null || passwordGuess == null) {
            return false;
        }
        // isEqual's running time depends on the first argument's length only.
        boolean u = MessageDigest.isEqual(user, userGuess);
        boolean p = MessageDigest.isEqual(password, passwordGuess);
        return u & p;
    }

    @Override
    public String toString() {
        return "SocksCredentials[user=" + new String(user, StandardCharsets.UTF_8) + ", password=***]";
    }

    private static void check(byte[] value, String what) {
        if (value.length == 0 || value.length > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1 to " + MAX_LENGTH + " bytes, not " + value.length);
        }
    }
}
