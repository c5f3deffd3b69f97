package dev.alknet.tun;

import java.nio.ByteBuffer;

/** An address (4 or 16 bytes) and port as a map key, compared by content: no text built per datagram. */
record Endpoint(ByteBuffer address, int port) {

    Endpoint(byte[] address, int port) {
        this(ByteBuffer.wrap(address), port);
    }
}
