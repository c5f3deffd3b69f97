package dev.alknet.transport.tls;

import dev.alknet.transport.Admission;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.ReadGate;
import dev.alknet.transport.StreamAcceptor;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.tcp.TcpDialer;
import dev.alknet.transport.tcp.TcpTransport;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * TLS 1.3 over TCP with ALPN {@value TlsContexts#ALPN}, optionally dialled through a proxy. A stream is
 * handed out only after the handshake (and the proxy's) finished; anything read past it is held back.
 */
public final class TlsTransport implements Transport {

    /**
     * Set (true) on a stealth listener's stream whose peer did not start TLS but spoke plaintext on the
     * TLS port; the stream then has no TLS at all.
     */
    public static final AttributeKey<Boolean> PLAINTEXT = AttributeKey.valueOf("alknet.tls.plaintext");

    private final TransportSettings settings;
    private final TcpDialer dialer;
    private final ServerIdentity identity;

    public TlsTransport(TransportSettings settings) {
        this.settings = settings;
        this.dialer = new TcpDialer(settings.connectTimeout(), settings.via(), settings.streams());
        this.identity = new ServerIdentity(settings.tlsServer());
    }

    @Override
    public String scheme() {
        return "tls";
    }

    @Override
    public int defaultPort() {
        return 443;
    }

    @Override
    public CompletableFuture<Channel> connect(Endpoint endpoint) {
        ClientTls tls = new ClientTls(settings.tlsClient(), endpoint, settings.strict());
        return dialer.dial(endpoint, ch -> tls.handshake(ch, settings.connectTimeout()));
    }

    @Override
    public TransportListener listen(Endpoint endpoint, StreamAcceptor acceptor) throws TransportException {
        return listen(endpoint, Admission.ANY, acceptor);
    }

    /**
     * Peers are counted by {@code admission} at accept, before the handshake. The handshake must be done within
     * {@link TransportSettings#connectTimeout()} (10 s) of its first byte; in stealth mode a silent peer may first
     * wait the stealth timeout, as with nginx.
     */
    @Override
    public TransportListener listen(Endpoint endpoint, Admission admission, StreamAcceptor acceptor)
            throws TransportException {
        Duration stealth = settings.stealthTimeout();
        boolean strict = stealth != null && settings.strict();
        boolean sshAlpn = settings.stealthSshAlpn();
        ServerContexts contexts = new ServerContexts(identity,
                km -> TlsContexts.server(km, stealth != null, strict, sshAlpn));
        LiveCertificate live = identity.live();
        long handshake = settings.connectTimeout().toMillis();
        if (stealth != null) {
            return TcpTransport.bind(endpoint, admission, settings.proxyProtocol(), ch -> {
                // PlaintextSniff keeps the time: silence first (stealth), then the handshake from its first byte
                ch.pipeline().addLast(new PlaintextSniff(acceptor, stealth, Duration.ofMillis(handshake)));
                AlpnOfferGate gate = TlsContexts.alpnGate(contexts.current(), strict, sshAlpn, live);
                if (gate != null) {
                    ch.pipeline().addLast(gate);
                }
                ch.pipeline()
                        .addLast(ClientHelloRouter.NAME, new ClientHelloRouter(contexts, live, 0))
                        .addLast(new TlsServerHandover(acceptor, true))
                        .addLast(ReadGate.NAME, new ReadGate());
            });
        }
        return TcpTransport.bind(endpoint, admission, settings.proxyProtocol(), ch -> {
            // a peer that never finishes its ClientHello (slowloris) is closed after this, as a slow dial would be
            ch.pipeline()
                    .addLast(ClientHelloRouter.NAME, new ClientHelloRouter(contexts, live, handshake))
                    .addLast(new TlsServerHandover(acceptor))
                    .addLast(ReadGate.NAME, new ReadGate());
        });
    }

    /** The listener's key and certificate (loaded, or created if self-signed, on first use); see {@code pin()}. */
    public TlsKeyMaterial serverIdentity() throws TransportException {
        return identity.get();
    }
}
