package dev.alknet.transport.tls;

import dev.alknet.transport.TransportException;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.internal.tcnative.SSL;
import io.netty.internal.tcnative.SSLContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS settings alknet uses everywhere: TLS 1.3 only, ALPN {@value #ALPN} required, no client
 * certificates. tls uses the {@link TlsEngine} selected (BoringSSL by default, the JDK as fallback), strict
 * stealth always the JDK's (its proof is bound through the TLS exporter, which only JSSE offers: docs/adr/0019);
 * QUIC uses BoringSSL (netty's quic codec).
 */
public final class TlsContexts {

    /** The one application protocol both tls and quic speak. */
    public static final String ALPN = "alknet-ssh";
    public static final String TLS13 = "TLSv1.3";
    static final String TLS12 = "TLSv1.2";
    /** The ALPN a stealth listener also accepts, so that browsers and probes see a web server. */
    public static final String HTTP11 = "http/1.1";
    /** What a browser offers first; a strict client offers it too (and the server never picks it). */
    public static final String H2 = "h2";
    /** The ALPN of a strict QUIC listener and its clients: HTTP/3's, so the handshake does not name alknet. */
    public static final String H3 = "h3";

    private TlsContexts() {
    }

    /**
     * ALPN offering {@code protocols}. The JDK engine ends a handshake without a common protocol with the fatal
     * {@code no_application_protocol} alert; netty-tcnative cannot (its callback only declines), so on OpenSSL the
     * handshake completes without ALPN and {@link ClientTls} / {@link TlsServerHandover} refuse the stream: the
     * same streams are refused, with a close instead of an alert. Stealth listeners, whose alert must be nginx's,
     * therefore stay on the JDK engine.
     */
    private static ApplicationProtocolConfig alpn(TlsEngine engine, SelectorFailureBehavior jdkSelector,
            String... protocols) {
        return engine == TlsEngine.JDK
                ? new ApplicationProtocolConfig(Protocol.ALPN, jdkSelector, SelectedListenerFailureBehavior.FATAL_ALERT,
                        protocols)
                : new ApplicationProtocolConfig(Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE,
                        SelectedListenerFailureBehavior.ACCEPT, protocols);
    }

    public static SslContext server(TlsKeyMaterial km) throws TransportException {
        return server(km, false);
    }

    /**
     * The server context; {@code stealth} also completes what a browser or scanner offers (TLS 1.2, ALPN
     * {@value #HTTP11} or none) the way a web server without HTTP/2 does, while an offer of only other
     * protocols (e.g. {@code h2}) still gets the fatal {@code no_application_protocol} alert, as from nginx.
     * Our own clients keep TLS 1.3 and {@value #ALPN}.
     */
    public static SslContext server(TlsKeyMaterial km, boolean stealth) throws TransportException {
        return server(km, stealth, false);
    }

    /**
     * {@code strict} (docs/adr/0014): the listener negotiates only {@value #HTTP11} (or no ALPN), exactly as
     * nginx without HTTP/2: an offer of {@value #ALPN} alone is refused like any other unknown protocol.
     */
    public static SslContext server(TlsKeyMaterial km, boolean stealth, boolean strict) throws TransportException {
        return server(km, stealth, strict, false);
    }

    /**
     * {@code sshAlpn}: a compatible stealth listener also negotiates {@value #ALPN} (the operator opted in with
     * {@code --stealth-ssh-alpn}); without it a prober offering it gets what nginx answers. Stealth listeners on
     * the OpenSSL engine get nginx's TLS profile ({@link #nginxProfile}) and need an {@link AlpnOfferGate}
     * ({@link #alpnGate}) in front of their handler.
     */
    public static SslContext server(TlsKeyMaterial km, boolean stealth, boolean strict, boolean sshAlpn)
            throws TransportException {
        String[] offered = stealth ? stealthProtocols(strict, sshAlpn).toArray(String[]::new) : new String[] {ALPN};
        TlsEngine engine = TlsEngine.selected();
        try {
            SslContextBuilder b = SslContextBuilder.forServer(km.key(), km.chain())
                    .sslProvider(engine.provider())
                    .protocols(stealth ? new String[] {TLS13, TLS12} : new String[] {TLS13})
                    .clientAuth(ClientAuth.NONE)
                    .applicationProtocolConfig(alpn(engine, SelectorFailureBehavior.FATAL_ALERT, offered));
            if (stealth && engine == TlsEngine.OPENSSL) {
                b.ciphers(NGINX_TLS12_CIPHERS);
            }
            SslContext ctx = b.build();
            if (stealth && engine == TlsEngine.OPENSSL) {
                nginxProfile((ReferenceCountedOpenSslContext) ctx, strict);
            }
            return ctx;
        } catch (SSLException | RuntimeException e) {
            throw new TransportException("cannot set up TLS with this certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The context answering one TLS-ALPN-01 validation (RFC 8737): the challenge certificate, ALPN
     * {@value ClientHelloRouter#ACME_TLS_1} only, on the JDK engine (validators may use TLS 1.2).
     */
    static SslContext acmeChallenge(TlsKeyMaterial km) throws TransportException {
        try {
            return SslContextBuilder.forServer(km.key(), km.chain())
                    .sslProvider(TlsEngine.JDK.provider())
                    .protocols(TLS13, TLS12)
                    .clientAuth(ClientAuth.NONE)
                    .applicationProtocolConfig(alpn(TlsEngine.JDK, SelectorFailureBehavior.FATAL_ALERT,
                            ClientHelloRouter.ACME_TLS_1))
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new TransportException("cannot set up the ACME challenge certificate: " + e.getMessage(), e);
        }
    }

    /** The ALPN protocols a stealth listener negotiates, in its order of preference. */
    static Set<String> stealthProtocols(boolean strict, boolean sshAlpn) {
        return !strict && sshAlpn ? new LinkedHashSet<>(List.of(ALPN, HTTP11)) : Set.of(HTTP11);
    }

    /** The handler a stealth listener's {@code ctx} needs before its SslHandler, or null (the JDK alerts itself). */
    static AlpnOfferGate alpnGate(SslContext ctx, boolean strict, boolean sshAlpn) {
        return alpnGate(ctx, strict, sshAlpn, null);
    }

    /** As above; {@code acme}'s published TLS-ALPN-01 challenges also let {@code acme-tls/1} through. */
    static AlpnOfferGate alpnGate(SslContext ctx, boolean strict, boolean sshAlpn, LiveCertificate acme) {
        return ctx instanceof ReferenceCountedOpenSslContext
                ? new AlpnOfferGate(stealthProtocols(strict, sshAlpn), acme) : null;
    }

    /**
     * What nginx 1.22 with its default {@code ssl_ciphers HIGH:!aNULL:!MD5}, {@code ssl_prefer_server_ciphers off}
     * and {@code ssl_session_timeout 5m} does, as far as BoringSSL allows (docs/stealth.md has what it does not):
     * the client's cipher and group order wins (no HelloRetryRequest for a client whose first key share is P-256),
     * session tickets with the 300 s lifetime hint on TLS 1.2. Strict listeners also keep each connection's exporter
     * secret (key-log callback), for the proof's binding.
     */
    private static void nginxProfile(ReferenceCountedOpenSslContext ctx, boolean strict) {
        long p = tcnativeHandle(ctx);
        SSLContext.clearOptions(p, SSL.SSL_OP_CIPHER_SERVER_PREFERENCE | SSL.SSL_OP_NO_TICKET);
        ctx.sessionContext().setSessionTimeout((int) NGINX_SESSION_TIMEOUT_S);
        if (strict) {
            SSLContext.setKeyLogCallback(p, EXPORTER_SECRETS);
        }
    }

    /**
     * The handle netty-tcnative's {@code SSLContext} calls take: Netty keeps it in the protected field {@code ctx}
     * and offers no accessor ({@code context()} and {@code sslCtxPointer()} return the raw {@code SSL_CTX}, which
     * those calls must not get).
     */
    private static long tcnativeHandle(ReferenceCountedOpenSslContext ctx) {
        try {
            java.lang.reflect.Field f = ReferenceCountedOpenSslContext.class.getDeclaredField("ctx");
            f.setAccessible(true);
            return f.getLong(ctx);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("netty's OpenSSL context has no tcnative handle: " + e, e);
        }
    }

    /** The registry of the strict listeners' exporter secrets. */
    static ExporterSecrets exporterSecrets() {
        return EXPORTER_SECRETS;
    }

    private static final ExporterSecrets EXPORTER_SECRETS = new ExporterSecrets();
    private static final long NGINX_SESSION_TIMEOUT_S = 300;
    /**
     * The TLS 1.2 suites of OpenSSL's {@code HIGH:!aNULL:!MD5} that BoringSSL has (it has no CCM, ARIA, Camellia,
     * CBC-SHA256/384 or DHE); with the client's order deciding, their order here does not matter.
     */
    private static final List<String> NGINX_TLS12_CIPHERS = List.of(
            "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
            "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA",
            "AES256-GCM-SHA384", "AES128-GCM-SHA256", "AES256-SHA", "AES128-SHA",
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    static SslContext client(X509TrustManager check) throws TransportException {
        return client(check, false);
    }

    /** {@code browser}: offer {@value #H2} and {@value #HTTP11} as a browser does (strict stealth). */
    static SslContext client(X509TrustManager check, boolean browser) throws TransportException {
        TlsEngine engine = browser ? TlsEngine.JDK : TlsEngine.selected();
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(engine.provider())
                    .protocols(TLS13)
                    .trustManager(check)
                    // Host names are checked by ServerCertCheck (only with "verify"), not by the JDK.
                    .endpointIdentificationAlgorithm(null)
                    .applicationProtocolConfig(browser
                            ? alpn(engine, SelectorFailureBehavior.NO_ADVERTISE, H2, HTTP11)
                            // http/1.1 too: a compatible stealth listener picks it unless --stealth-ssh-alpn
                            : alpn(engine, SelectorFailureBehavior.FATAL_ALERT, ALPN, HTTP11))
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new TransportException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** wss: TLS 1.3 or 1.2 (what proxies and CDNs in front of a WebSocket offer), ALPN {@value #HTTP11}. */
    static SslContext webClient(X509TrustManager check) throws TransportException {
        TlsEngine engine = TlsEngine.selected();
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(engine.provider())
                    .protocols(TLS13, TLS12)
                    .trustManager(check)
                    .endpointIdentificationAlgorithm(null)
                    .applicationProtocolConfig(alpn(engine, SelectorFailureBehavior.NO_ADVERTISE, HTTP11))
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new TransportException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    public static QuicSslContext quicServer(TlsKeyMaterial km) throws TransportException {
        return quicServer(km, false);
    }

    /** {@code strict}: ALPN {@value #H3} instead of {@value #ALPN}. */
    public static QuicSslContext quicServer(TlsKeyMaterial km, boolean strict) throws TransportException {
        return quicServer(QuicSslContextBuilder.forServer(km.key(), null, km.chainArray()), strict);
    }

    /** As {@link #quicServer(TlsKeyMaterial, boolean)}, each handshake taking {@code live}'s current certificate. */
    public static QuicSslContext quicServer(LiveCertificate live, boolean strict) throws TransportException {
        return quicServer(QuicSslContextBuilder.forServer(new LiveKeyManager(live), null), strict);
    }

    private static QuicSslContext quicServer(QuicSslContextBuilder builder, boolean strict) throws TransportException {
        try {
            return builder
                    .applicationProtocols(strict ? H3 : ALPN)
                    .clientAuth(ClientAuth.NONE)
                    .earlyData(false)
                    .build();
        } catch (RuntimeException e) {
            throw new TransportException("cannot set up QUIC TLS with this certificate: " + e.getMessage(), e);
        }
    }

    static QuicSslContext quicClient(X509TrustManager check, boolean strict) throws TransportException {
        try {
            return QuicSslContextBuilder.forClient()
                    .trustManager(check)
                    .endpointIdentificationAlgorithm(null)
                    .applicationProtocols(strict ? H3 : ALPN)
                    .earlyData(false)
                    .build();
        } catch (RuntimeException e) {
            throw new TransportException("cannot set up QUIC TLS: " + e.getMessage(), e);
        }
    }
}
