package dev.alknet.transport.tls;

import dev.alknet.transport.TransportException;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener's server {@link SslContext}, rebuilt when its {@link ServerIdentity}'s certificate changed (a
 * renewal or a reload). A certificate the engine refuses keeps the previous context, with a warning. Used by the
 * tls listener and by the wss one (its own TLS under the Upgrade).
 */
public final class ServerContexts {

    public interface Factory {
        SslContext build(TlsKeyMaterial km) throws TransportException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ServerContexts.class);

    private record Built(TlsKeyMaterial km, SslContext ctx) {
    }

    private final ServerIdentity identity;
    private final Factory factory;
    private volatile Built built;

    public ServerContexts(ServerIdentity identity, Factory factory) throws TransportException {
        this.identity = identity;
        this.factory = factory;
        TlsKeyMaterial km = identity.get();
        this.built = new Built(km, factory.build(km));
    }

    /** The context for a new handshake: asked per connection, so a reloaded certificate is used from then on. */
    public SslContext current() {
        Built b = built;
        TlsKeyMaterial km;
        try {
            km = identity.get();
        } catch (TransportException e) {
            return b.ctx();
        }
        if (km == b.km()) {
            return b.ctx();
        }
        synchronized (this) {
            b = built;
            if (km != b.km()) {
                try {
                    b = new Built(km, factory.build(km));
                } catch (TransportException e) {
                    LOG.warn("new TLS certificate not usable, keeping the previous one: {}", e.getMessage());
                    b = new Built(km, b.ctx());
                }
                built = b;
            }
            return b.ctx();
        }
    }
}
