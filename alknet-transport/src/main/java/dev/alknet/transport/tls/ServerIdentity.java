package dev.alknet.transport.tls;

import dev.alknet.transport.TransportException;
import java.io.IOException;

/** Loads a listener's {@link TlsServerMaterial} once and keeps it. */
public final class ServerIdentity {

    private final TlsServerMaterial material;
    private TlsKeyMaterial loaded;

    public ServerIdentity(TlsServerMaterial material) {
        this.material = material;
    }

    public synchronized TlsKeyMaterial get() throws TransportException {
        if (loaded == null) {
            if (material == null) {
                throw new TransportException("a tls/quic listener needs a certificate: give --tls-cert and "
                        + "--tls-key, or a directory for a self-signed one");
            }
            try {
                loaded = material.load();
            } catch (IOException e) {
                throw new TransportException("TLS certificate: " + e.getMessage(), e);
            }
        }
        return loaded;
    }
}
