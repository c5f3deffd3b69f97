package dev.alknet.transport.stealth;

import io.netty.channel.Channel;

/**
 * What a strict proof is bound to besides the key: bytes both ends derive from the TLS session of the
 * stream and nobody else can, so a proof recorded in one session is worthless in another. Empty where the
 * transport offers none (tcp, quic: see docs/adr/0014); the replay cache covers those.
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
