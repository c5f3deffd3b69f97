package dev.alknet.core.config;

import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Registers BouncyCastle (needed for ed25519) on a background thread at process start. Its provider
 * takes ~2 s to construct in a cold JVM; done early, it overlaps with the rest of start-up.
 */
public final class CryptoWarmup {

    private CryptoWarmup() {
    }

    public static void startInBackground() {
        Thread t = new Thread(SecurityUtils::isEDDSACurveSupported, "alknet-crypto-warmup");
        t.setDaemon(true);
        t.start();
    }
}
