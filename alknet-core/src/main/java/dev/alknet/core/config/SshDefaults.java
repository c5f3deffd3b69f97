package dev.alknet.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.helpers.AbstractFactoryManager;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The SSH settings both ends share: algorithm order, identification, window and packet sizes, timeouts.
 * See docs/adr/0003-ssh-algorithms-and-windows.md for the figures behind them.
 */
public final class SshDefaults {

    /** Sent as {@code SSH-2.0-alknet}: neither library nor version (MINA would say SSH-2.0-APACHE-SSHD-2.20.0). */
    public static final String IDENTIFICATION = "alknet";
    /** Per-channel receive window: the most a channel can have in flight (throughput ≈ window / RTT). */
    public static final long WINDOW_SIZE = Long.getLong("alknet.ssh.windowSize", 8L * 1024 * 1024);
    /** Largest channel data packet we accept; see docs/performance.md for the measurement behind it. */
    public static final long MAX_PACKET_SIZE = Long.getLong("alknet.ssh.packetSize", 64L * 1024);

    private SshDefaults() {
    }

    /** AES-GCM first: JDK AES-GCM runs on AES-NI, MINA's pure-Java chacha20 is ~15x slower. */
    public static List<NamedFactory<Cipher>> ciphers() {
        return new ArrayList<>(List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm,
                BuiltinCiphers.cc20p1305_openssh, BuiltinCiphers.aes128ctr, BuiltinCiphers.aes256ctr));
    }

    /**
     * Key exchanges tried first, fastest cold start first: ML-KEM hybrid (post-quantum, OpenSSH 10's
     * default) takes ~0.8 s in a cold JVM, MINA's pure-Java sntrup761 ~3.5 s. The rest keep MINA's order.
     */
    static final List<String> KEX_FIRST = List.of("mlkem768x25519-sha256", "curve25519-sha256",
            "curve25519-sha256@libssh.org", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com");

    public static void apply(AbstractFactoryManager manager) {
        manager.setCipherFactories(ciphers());
        List<KeyExchangeFactory> kex = new ArrayList<>(manager.getKeyExchangeFactories());
        kex.sort(Comparator.comparingInt(f -> {
            int i = KEX_FIRST.indexOf(f.getName());
            return i < 0 ? KEX_FIRST.size() : i;
        }));
        manager.setKeyExchangeFactories(kex);
        CoreModuleProperties.WINDOW_SIZE.set(manager, WINDOW_SIZE);
        CoreModuleProperties.MAX_PACKET_SIZE.set(manager, MAX_PACKET_SIZE);
        // A healthy idle tunnel must live for hours: liveness is decided by heartbeats, not idleness.
        CoreModuleProperties.IDLE_TIMEOUT.set(manager, Duration.ZERO);
        CoreModuleProperties.AUTH_TIMEOUT.set(manager, Duration.ofSeconds(30));
    }
}
