package dev.alknet.core.metrics;

import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;

/** Counts refused public keys (each key a client offers that is not authorized counts once). */
public final class CountingAuthenticator {

    private CountingAuthenticator() {
    }

    public static PublickeyAuthenticator counting(PublickeyAuthenticator inner) {
        return (user, key, session) -> {
            boolean ok = inner.authenticate(user, key, session);
            if (!ok) {
                AlknetMetrics.get().authFailed();
            }
            return ok;
        };
    }
}
