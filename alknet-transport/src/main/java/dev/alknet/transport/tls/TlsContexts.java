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
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS settings alknet uses everywhere: TLS 1.3 only, ALPN {@value #ALPN} required, no client
 * certificates. TCP uses the JDK provider (netty-tcnative is not shipped); QUIC uses BoringSSL.
 */
public final class TlsContexts {

    /** The one application protocol both tls and quic speak. */
    public static final String ALPN = "alknet-ssh";
    public static final String TLS13 = "TLSv1.3";

    private TlsContexts() {
    }

    private static ApplicationProtocolConfig alpn() {
        return new ApplicationProtocolConfig(Protocol.ALPN, SelectorFailureBehavior.FATAL_ALERT,
                SelectedListenerFailureBehavior.FATAL_ALERT, ALPN);
    }

    public static SslContext server(TlsKeyMaterial km) throws TransportException {
        try {
            return SslContextBuilder.forServer(km.key(), km.chain())
                    .sslProvider(SslProvider.JDK)
                    .protocols(TLS13)
                    .clientAuth(ClientAuth.NONE)
                    .applicationProtocolConfig(alpn())
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new TransportException("cannot set up TLS with this certificate: " + e.getMessage(), e);
        }
    }

    static SslContext client(X509TrustManager check) throws TransportException {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(TLS13)
                    .trustManager(check)
                    // Host names are checked by ServerCertCheck (only with "verify"), not by the JDK.
                    .endpointIdentificationAlgorithm(null)
                    .applicationProtocolConfig(alpn())
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new TransportException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    public static QuicSslContext quicServer(TlsKeyMaterial km) throws TransportException {
        try {
            return QuicSslContextBuilder.forServer(km.key(), null, km.chainArray())
                    .applicationProtocols(ALPN)
                    .clientAuth(ClientAuth.NONE)
                    .earlyData(false)
                    .build();
        } catch (RuntimeException e) {
            throw new TransportException("cannot set up QUIC TLS with this certificate: " + e.getMessage(), e);
        }
    }

    static QuicSslContext quicClient(X509TrustManager check) throws TransportException {
        try {
            return QuicSslContextBuilder.forClient()
                    .trustManager(check)
                    .endpointIdentificationAlgorithm(null)
                    .applicationProtocols(ALPN)
                    .earlyData(false)
                    .build();
        } catch (RuntimeException e) {
            throw new TransportException("cannot set up QUIC TLS: " + e.getMessage(), e);
        }
    }
}
