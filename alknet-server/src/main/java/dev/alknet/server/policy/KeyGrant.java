package dev.alknet.server.policy;

import dev.alknet.core.ssh.SshSession;

/**
 * What the authorized_keys line (or certificate) a session logged in with allows: stored on the session at
 * authentication, read by the destination policy and the forwarding filter.
 *
 * @param fingerprint SHA256 fingerprint of the key the client presented (for a certificate: the certified key)
 * @param comment     comment of the authorized_keys line that matched (the CA's line for a certificate)
 */
public record KeyGrant(String fingerprint, String comment, KeyOptions options) {

    static final SshSession.Key<KeyGrant> KEY = new SshSession.Key<>();

    /** The grant of {@code session}, or null when it did not log in through {@link KeyAuthenticator}. */
    public static KeyGrant of(SshSession session) {
        return session == null ? null : session.get(KEY);
    }

    public boolean portForwarding() {
        return options.portForwarding();
    }

    /** permitopen: true if the key has no permitopen or one of them names this host and port. */
    public boolean permitsOpen(String host, int port) {
        return options.permitsOpen(host, port);
    }

    /** Whether a permitlisten names this port explicitly (needed for ports below 1024). */
    public boolean namesListenPort(String host, int port) {
        return options.namesListenPort(host, port);
    }

    /** permitlisten: true if the key has no permitlisten or one of them names this host and port. */
    public boolean permitsListen(String host, int port) {
        return options.permitsListen(host, port);
    }
}
