package dev.alknet.server;

/**
 * The software part of the server's SSH identification line ({@code SSH-2.0-<ident>}, RFC 4253 §4.2). By default
 * {@value #DEFAULT}, as Go's x/crypto/ssh servers (common on the internet) say, so that the banner a scanner sees
 * on a compatible stealth port (or any port) does not name alknet (docs/stealth.md); {@code --ssh-ident} sets
 * another. Our clients do not look at it. Not OpenSSH's: stock ssh keys its compatibility flags on it and, for
 * {@code OpenSSH*}, sends {@code no-more-sessions@openssh.com}, after which MINA refuses every channel, so
 * {@code ssh -N -D} gets no forward.
 */
public final class SshIdent {

    public static final String DEFAULT = "Go";

    private SshIdent() {
    }

    /** {@code ident} if it may stand in an identification line: printable US-ASCII, no '-' start, ≤ 200 chars. */
    public static String check(String ident) {
        if (ident == null) {
            return DEFAULT;
        }
        if (ident.isEmpty() || ident.length() > 200 || ident.startsWith("-") || ident.startsWith(" ")) {
            throw new IllegalArgumentException("--ssh-ident: '" + ident + "' (expected 1-200 printable characters,"
                    + " not starting with '-' or a space)");
        }
        for (int i = 0; i < ident.length(); i++) {
            char c = ident.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("--ssh-ident: only printable US-ASCII characters");
            }
        }
        return ident;
    }
}
