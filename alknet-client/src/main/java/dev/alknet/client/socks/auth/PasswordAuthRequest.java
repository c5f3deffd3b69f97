package dev.alknet.client.socks.auth;

/**
 * An RFC 1929 username/password request as sent, or a malformed one ({@link #malformed()} non-null).
 * The byte arrays are owned by the receiver, which should wipe them after use.
 */
public record PasswordAuthRequest(byte[] user, byte[] password, String malformed) {

    static PasswordAuthRequest bad(String why) {
        return new PasswordAuthRequest(null, null, why);
    }

    /** Overwrites the password bytes. */
    public void wipe() {
        if (password != null) {
            java.util.Arrays.fill(password, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return malformed != null ? "PasswordAuthRequest[malformed: " + malformed + "]"
                : "PasswordAuthRequest[user " + user.length + " bytes, password ***]";
    }
}
