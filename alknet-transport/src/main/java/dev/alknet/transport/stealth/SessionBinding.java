package dev.alknet.transport.stealth;

import io.netty.channel.Channel;

/**
 * What a strict proof is bound to besides the key and the clock: bytes both ends could derive from the
 * stream's TLS session and nobody else could (the TLS exporter, RFC 8446 §7.5). None of the TLS stacks
 * alknet runs on offers one today — JDK 17's JSSE has no exporter API, bctls 1.84 wipes the TLS 1.3 exporter
 * secret when the handshake ends, Netty's QUIC engine does not expose BoringSSL's — so the binding is empty
 * on every transport and the time window plus replay cache carry the proof (docs/adr/0014). This is the one
 * place to plug an exporter in once the platform has it (JDK 25's {@code exportKeyingMaterialData}).
 */
public final class SessionBinding {

    static final byte[] NONE = new byte[0];

    private SessionBinding() {
    }

    /** The binding of {@code stream} as seen from this end. */
    public static byte[] of(Channel stream) {
        return NONE;
    }
}
