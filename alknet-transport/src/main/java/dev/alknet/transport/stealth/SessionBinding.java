package dev.alknet.transport.stealth;

import dev.alknet.transport.tls.StrictTls;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

/**
 * What a strict proof is bound to besides the key: bytes both ends derive from the TLS session of the
 * stream and nobody else can (the TLS exporter, RFC 8446 §7.5, of a {@link StrictTls} engine), so a proof
 * recorded in one session is worthless in another. Empty where the transport offers none (tcp; quic, whose
 * BoringSSL engine exposes no exporter: see docs/adr/0014); the replay cache covers those.
 */
public final class SessionBinding {

    static final byte[] NONE = new byte[0];

    private SessionBinding() {
    }

    /** The binding of {@code stream} as seen from this end. */
    public static byte[] of(Channel stream) {
        SslHandler tls = stream.pipeline().get(SslHandler.class);
        byte[] exporter = tls == null ? null : StrictTls.exporter(tls.engine());
        return exporter == null ? NONE : exporter;
    }
}
