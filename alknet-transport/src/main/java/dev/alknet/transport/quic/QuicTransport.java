package dev.alknet.transport.quic;

import dev.alknet.transport.Admission;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.StreamAcceptor;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.tls.ServerIdentity;
import dev.alknet.transport.tls.TlsContexts;
import dev.alknet.transport.tls.TlsKeyMaterial;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * QUIC (Netty's quiche codec, TLS 1.3 inside, ALPN {@value TlsContexts#ALPN}, same certificate options as
 * tls). One QUIC connection per {@link #connect}, the SSH session on one bidirectional stream opened by the
 * client. Note that the server sees a stream only once the client has written to it (SSH clients speak
 * first). Idle connections are kept up by {@link QuicKeepAlive}. Cannot go through an upstream proxy.
 */
public final class QuicTransport implements Transport {

    private final TransportSettings settings;
    private final ServerIdentity identity;

    public QuicTransport(TransportSettings settings) {
        if (settings.via() != null) {
            throw new IllegalArgumentException("quic cannot go through --via (use tcp or tls)");
        }
        this.settings = settings;
        this.identity = new ServerIdentity(settings.tlsServer());
    }

    @Override
    public String scheme() {
        return "quic";
    }

    @Override
    public int defaultPort() {
        return 443;
    }

    @Override
    public CompletableFuture<Channel> connect(Endpoint endpoint) {
        return new QuicDialer(settings).dial(endpoint);
    }

    @Override
    public TransportListener listen(Endpoint endpoint, StreamAcceptor acceptor) throws TransportException {
        return listen(endpoint, Admission.ANY, acceptor);
    }

    /** Peers are counted by {@code admission} per QUIC connection, once their address is validated (Retry). */
    @Override
    public TransportListener listen(Endpoint endpoint, Admission admission, StreamAcceptor acceptor)
            throws TransportException {
        boolean strict = settings.strict() && settings.stealthTimeout() != null;
        TlsKeyMaterial km = serverIdentity(); // fails here, with its reason, when there is no certificate
        // a live certificate (renewal, reload) applies to each new QUIC handshake
        return QuicListener.bind(endpoint, identity.live() != null ? TlsContexts.quicServer(identity.live(), strict)
                : TlsContexts.quicServer(km, strict), settings, admission, acceptor);
    }

    /** The listener's key and certificate (loaded, or created if self-signed, on first use); see {@code pin()}. */
    public TlsKeyMaterial serverIdentity() throws TransportException {
        return identity.get();
    }
}
