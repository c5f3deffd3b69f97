package dev.alknet.transport.tls;

import dev.alknet.transport.TransportException;
import java.io.IOException;

/** Loads a listener's {@link TlsServerMaterial} once and keeps it; a live one is asked each time. */
public final class ServerIdentity {

    private final TlsServerMaterial material;
    private TlsKeyMaterial loaded;

    public ServerIdentity(TlsServerMaterial material) {
        this.material = material;
    }

    /** The live certificate behind this identity, or null (fixed at first load). */
    public LiveCertificate live() {
        return material == null ? null : material.live();
    }

    public TlsKeyMaterial get() throws TransportException {
        if (material != null && material.live() != null) {
            return material.live().current(); // asked at each handshake: no lock
        }
        return loadOnce();
    }

    private synchronized TlsKeyMaterial loadOnce() throws TransportException {
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
