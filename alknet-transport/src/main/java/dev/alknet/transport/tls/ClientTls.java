package dev.alknet.transport.tls;

import dev.alknet.transport.Endpoint;
import dev.alknet.transport.ReadGate;
import dev.alknet.transport.TransportException;
import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of TLS for one dial: certificate check per {@link TlsClientOptions}, SNI, the
 * handshake on a TCP stream, and the one-line reason when it fails. QUIC uses {@link #quicContext()}.
 */
public final class ClientTls {

    private final Endpoint endpoint;
    private final TlsClientOptions options;
    private final ServerCertCheck check;
    private final boolean strict;
    private final boolean web;

    public ClientTls(TlsClientOptions options, Endpoint endpoint) {
        this(options, endpoint, false);
    }

    /** {@code strict}: offer a browser's ALPN (h2, http/1.1 on tls; h3 on quic) instead of alknet's. */
    public ClientTls(TlsClientOptions options, Endpoint endpoint, boolean strict) {
        this(options, endpoint, strict, false);
    }

    /**
     * For wss: ALPN {@value TlsContexts#HTTP11} only (never h2: the Upgrade is HTTP/1.1), and a server that
     * negotiates no ALPN at all is fine, as for a browser's WebSocket.
     */
    public static ClientTls web(TlsClientOptions options, Endpoint endpoint) {
        return new ClientTls(options, endpoint, false, true);
    }

    private ClientTls(TlsClientOptions options, Endpoint endpoint, boolean strict, boolean web) {
        this.web = web;
        this.strict = strict;
        this.endpoint = endpoint;
        this.options = options;
        this.check = new ServerCertCheck(options, endpoint.host());
    }

    /** The SNI sent, or null (IP literal without override). */
    public String sni() {
        return options.sniFor(endpoint.host());
    }

    /**
     * Runs the TLS handshake on {@code ch} (an established TCP stream with a {@link ReadGate}): completes
     * once it succeeded and the server agreed on ALPN {@value TlsContexts#ALPN}.
     */
    public CompletableFuture<Void> handshake(Channel ch, Duration timeout) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        SslHandler ssl;
        try {
            SslContext ctx = web ? TlsContexts.webClient(check) : TlsContexts.client(check, strict);
            String peer = sni() != null ? sni() : endpoint.host(); // the JDK sends no SNI for IP literals
            ssl = ctx.newHandler(ch.alloc(), peer, endpoint.port());
        } catch (TransportException e) {
            return CompletableFuture.failedFuture(e);
        }
        ssl.setHandshakeTimeoutMillis(timeout.toMillis());
        setSni(ssl.engine(), sni());
        ssl.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                done.completeExceptionally(new TransportException(describe(f.cause()), f.cause()));
            } else if (web ? !(ssl.applicationProtocol() == null || TlsContexts.HTTP11.equals(ssl.applicationProtocol()))
                    : !acceptedAlpn(ssl.applicationProtocol())) {
                done.completeExceptionally(new TransportException(TlsErrors.ALPN_REFUSED));
            } else {
                done.complete(null);
            }
        });
        ch.pipeline().addBefore(ReadGate.NAME, "alknet-tls", ssl);
        // With autoRead off SslHandler reads on by itself only from channelReadComplete: start it, from its
        // own context so the read is not counted as the user's.
        ch.pipeline().context(ssl).read();
        return done;
    }

    /**
     * Whether the server picked what we can speak over: http/1.1 from a strict server; ours, or http/1.1 from a
     * compatible stealth server that does not name alknet in ALPN (no {@code --stealth-ssh-alpn}: SSH then follows
     * its first-bytes gate, docs/stealth.md).
     */
    private boolean acceptedAlpn(String picked) {
        return strict ? TlsContexts.HTTP11.equals(picked)
                : TlsContexts.ALPN.equals(picked) || TlsContexts.HTTP11.equals(picked);
    }

    /** The ALPN a QUIC server must pick. */
    public String expectedQuicAlpn() {
        return strict ? TlsContexts.H3 : TlsContexts.ALPN;
    }

    /** Sets SNI explicitly: the JDK itself leaves it out for dot-less names such as "localhost". */
    private static void setSni(SSLEngine engine, String sni) {
        if (sni == null) {
            return;
        }
        try {
            SSLParameters p = engine.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(sni)));
            engine.setSSLParameters(p);
        } catch (IllegalArgumentException e) {
            // not a valid DNS name for SNI: send none
        }
    }

    /** A BoringSSL context for a QUIC dial with this certificate check. */
    public QuicSslContext quicContext() throws TransportException {
        return TlsContexts.quicClient(check, strict);
    }

    /** Why the certificate check refused the server's certificate, or null if it did not. */
    public String certificateRefusal() {
        return check.refusal();
    }

    /** Why the handshake failed: the certificate check's refusal if it refused, else the TLS error. */
    public String describe(Throwable failure) {
        String refusal = check.refusal();
        return refusal != null ? refusal : TlsErrors.describe(failure);
    }
}
