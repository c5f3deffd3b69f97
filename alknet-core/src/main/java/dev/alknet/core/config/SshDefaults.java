package dev.alknet.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
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

    /**
     * AEAD ciphers only, AES-GCM first: JDK AES-GCM runs on AES-NI, MINA's pure-Java chacha20 is ~15x slower and
     * stays for peers without AES. Every OpenSSH since 6.5 has them, so the CTR (encrypt-and-MAC) modes are gone.
     */
    public static List<NamedFactory<Cipher>> ciphers() {
        return new ArrayList<>(List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm,
                BuiltinCiphers.cc20p1305_openssh));
    }

    /**
     * Only negotiated with a non-AEAD cipher, which we no longer offer; still listed because a KEXINIT needs one.
     * Encrypt-then-MAC with SHA-2 only: no SHA-1, no encrypt-and-MAC.
     */
    public static List<NamedFactory<Mac>> macs() {
        return new ArrayList<>(List.of(BuiltinMacs.hmacsha256etm, BuiltinMacs.hmacsha512etm));
    }

    /**
     * The key exchanges offered, in this order, fastest cold start first: ML-KEM hybrid (post-quantum, OpenSSH
     * 10's default) takes ~0.8 s in a cold JVM, MINA's pure-Java sntrup761 ~3.5 s. Post-quantum hybrids and
     * curve25519 only: no NIST curves (plain or in hybrids), no finite-field Diffie-Hellman, no curve448 (which
     * OpenSSH never had). Strict KEX (the Terrapin fix) and ext-info are added by MINA on top.
     */
    static final List<String> KEX = List.of("mlkem768x25519-sha256", "curve25519-sha256",
            "curve25519-sha256@libssh.org", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com");

    /** MINA's key exchanges narrowed to {@link #KEX}; in FIPS mode none of them exist and MINA's list stays. */
    static List<KeyExchangeFactory> keyExchanges(List<KeyExchangeFactory> available) {
        List<KeyExchangeFactory> kex = new ArrayList<>();
        for (String name : KEX) {
            available.stream().filter(f -> f.getName().equals(name)).findFirst().ifPresent(kex::add);
        }
        return kex.isEmpty() ? available : kex;
    }

    public static void apply(AbstractFactoryManager manager) {
        manager.setCipherFactories(ciphers());
        manager.setMacFactories(macs());
        manager.setKeyExchangeFactories(keyExchanges(manager.getKeyExchangeFactories()));
        // No compression: tunnelled traffic is mostly compressed or encrypted already, and one zlib stream shared by
        // all channels would let one stream's sizes leak another's contents (CRIME-style).
        manager.setCompressionFactories(new ArrayList<>(List.of(BuiltinCompressions.none)));
        CoreModuleProperties.WINDOW_SIZE.set(manager, WINDOW_SIZE);
        CoreModuleProperties.MAX_PACKET_SIZE.set(manager, MAX_PACKET_SIZE);
        // A healthy idle tunnel must live for hours: liveness is decided by heartbeats, not idleness.
        CoreModuleProperties.IDLE_TIMEOUT.set(manager, Duration.ZERO);
        CoreModuleProperties.AUTH_TIMEOUT.set(manager, Duration.ofSeconds(30));
    }
}
