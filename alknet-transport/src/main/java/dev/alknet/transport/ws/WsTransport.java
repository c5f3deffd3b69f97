package dev.alknet.transport.ws;

import dev.alknet.transport.Admission;
import dev.alknet.transport.Endpoint;
import dev.alknet.transport.StreamAcceptor;
import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportException;
import dev.alknet.transport.TransportListener;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.tcp.TcpDialer;
import dev.alknet.transport.tcp.TcpTransport;
import dev.alknet.transport.tls.ClientTls;
import dev.alknet.transport.tls.ServerContexts;
import dev.alknet.transport.tls.ServerIdentity;
import dev.alknet.transport.tls.TlsContexts;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ws://} and {@code wss://} (docs/adr/0022): the byte stream in binary WebSocket frames after an HTTP/1.1
 * Upgrade, so that it passes reverse proxies and CDNs that pass WebSockets. wss is TLS (ALPN {@code http/1.1}, as a
 * browser's WebSocket; the certificate checked as for tls) under the same Upgrade. Dialled directly or through
 * {@code --via}; the Host header and SNI may name another host than the one dialled (a CDN's front).
 */
public final class WsTransport implements Transport {

    private final TransportSettings settings;
    private final boolean secure;
    private final TcpDialer dialer;
    private final ServerIdentity identity;

    public WsTransport(TransportSettings settings, boolean secure) {
        this.settings = settings;
        this.secure = secure;
        this.dialer = new TcpDialer(settings.connectTimeout(), settings.via());
        this.identity = new ServerIdentity(settings.tlsServer());
    }

    @Override
    public String scheme() {
        return secure ? "wss" : "ws";
    }

    @Override
    public int defaultPort() {
        return secure ? 443 : 80;
    }

    @Override
    public CompletableFuture<Channel> connect(Endpoint endpoint) {
        WsOptions ws = settings.ws();
        Duration timeout = settings.connectTimeout();
        String host = ws.host() != null ? ws.host() : endpoint.host();
        if (!secure) {
            return dialer.dial(endpoint, ch -> WsClientHandshake.run(ch, false, host, endpoint.port(), ws.path(),
                    timeout));
        }
        ClientTls tls = ClientTls.web(settings.tlsClient(), endpoint);
        return dialer.dial(endpoint, ch -> tls.handshake(ch, timeout).thenCompose(v -> {
            CompletableFuture<Void> upgraded = new CompletableFuture<>();
            // back on the loop: the TLS future may complete elsewhere
            ch.eventLoop().execute(() -> WsClientHandshake.run(ch, true, host, endpoint.port(), ws.path(), timeout)
                    .whenComplete((x, e) -> {
                        if (e != null) {
                            upgraded.completeExceptionally(e);
                        } else {
                            upgraded.complete(null);
                        }
                    }));
            return upgraded;
        }));
    }

    @Override
    public TransportListener listen(Endpoint endpoint, StreamAcceptor acceptor) throws TransportException {
        return listen(endpoint, Admission.ANY, acceptor);
    }

    /**
     * Accepts the Upgrade for {@link WsOptions#path()} only (other paths get 404); the request head (after the TLS
     * handshake for wss) must be in within {@link TransportSettings#connectTimeout()} of the accept.
     */
    @Override
    public TransportListener listen(Endpoint endpoint, Admission admission, StreamAcceptor acceptor)
            throws TransportException {
        String path = settings.ws().path();
        long limit = settings.connectTimeout().toNanos();
        // what nginx in front of a web socket negotiates: http/1.1 or no ALPN, TLS 1.3 or 1.2; asked per accept, so
        // a reloaded or renewed certificate (SIGHUP, a file change, ACME) is used by the next handshake
        ServerContexts contexts = secure ? new ServerContexts(identity, km -> TlsContexts.server(km, true, true)) : null;
        return TcpTransport.bind(endpoint, admission, settings.proxyProtocol(), ch -> {
            if (contexts != null) {
                SslHandler tls = contexts.current().newHandler(ch.alloc());
                tls.setHandshakeTimeoutMillis(settings.connectTimeout().toMillis());
                ch.pipeline().addLast("alknet-tls", tls);
            }
            WsServerUpgrade.install(ch, path, acceptor, System.nanoTime() + limit);
        });
    }
}
