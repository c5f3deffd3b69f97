package dev.alknet.client;

import java.io.IOException;

/** No SSH session to the server is available (SOCKS answers 0x01). */
public class TunnelDownException extends IOException {
    public TunnelDownException(String message) {
        super(message);
    }
}
