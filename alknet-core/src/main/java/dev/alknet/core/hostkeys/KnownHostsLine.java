package dev.alknet.core.hostkeys;

import java.security.PublicKey;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** Formats known_hosts lines exactly as OpenSSH writes them. */
public final class KnownHostsLine {

    private KnownHostsLine() {
    }

    /** {@code host} for port 22, {@code [host]:port} otherwise (IPv6 literals unbracketed on 22, as OpenSSH). */
    public static String hostPattern(String host, int port) {
        return port == 22 ? host : "[" + host + "]:" + port;
    }

    public static String of(String host, int port, PublicKey key) {
        return hostPattern(host, port) + " " + PublicKeyEntry.toString(key);
    }
}
