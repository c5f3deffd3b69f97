package dev.alknet.transport;

import dev.alknet.transport.proxy.ViaProxy;
import dev.alknet.transport.proxyprotocol.ProxyProtocol;
import dev.alknet.transport.stealth.StealthKey;
import dev.alknet.transport.tls.TlsClientOptions;
import dev.alknet.transport.tls.TlsServerMaterial;
import dev.alknet.transport.tls.TlsTransport;
import dev.alknet.transport.ws.WsOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything {@link Transports#create} needs, immutable. Build with {@link #builder()}; unset values take
 * the defaults below.
 *
 * @param connectTimeout  TCP connect / proxy handshake / TLS handshake / QUIC handshake limit (10 s); on a
 *                        listener: the TLS handshake, and a QUIC connection's handshake plus first stream
 * @param via             upstream proxy for tcp and tls, or null (direct)
 * @param tlsClient       how tls/quic clients check the server certificate ({@link TlsClientOptions#NONE})
 * @param tlsServer       where tls/quic listeners get their certificate, or null (client-only use)
 * @param quicIdleTimeout QUIC max_idle_timeout (60 s)
 * @param quicKeepAlive   interval of the QUIC client's keep-alive PING, {@link Duration#ZERO} for none (15 s)
 * @param stealthTimeout  server, stealth mode: null for off (the default). When set, a tls listener also
 *                        completes handshakes that look like a browser's (ALPN http/1.1 or none, TLS 1.2),
 *                        hands over plaintext first bytes (marked {@link TlsTransport#PLAINTEXT}) instead of
 *                        failing them, and lets a silent peer wait this long before closing quietly; the
 *                        acceptor then decides between SSH and the web front
 * @param stealthKey      {@code --stealth=strict} (docs/adr/0014), null for off: a client proves knowledge of
 *                        this key on every stream and offers browser ALPN; a server (with stealthTimeout)
 *                        negotiates only what nginx would ({@code http/1.1} on tls, {@code h3} on quic)
 * @param ws              ws/wss: the Upgrade's path (client and listener) and the Host header sent (client)
 *                        ({@link WsOptions#DEFAULT}: path {@code /}, the dialled host)
 * @param streams         client: where tcp and tls streams come from instead of a socket (a jump host), or null
 * @param stealthSshAlpn  server, compatible stealth on tls: also negotiate ALPN {@code alknet-ssh}
 *                        ({@code --stealth-ssh-alpn}); off by default, so that a prober offering it gets nginx's answer
 * @param proxyProtocol   server: tcp and tls listeners take PROXY headers from these balancers (null: off)
 */
public record TransportSettings(Duration connectTimeout, ViaProxy via, TlsClientOptions tlsClient,
        TlsServerMaterial tlsServer, Duration quicIdleTimeout, Duration quicKeepAlive, Duration stealthTimeout,
        StealthKey stealthKey, WsOptions ws, StreamSource streams, boolean stealthSshAlpn,
        ProxyProtocol proxyProtocol) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_QUIC_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_QUIC_KEEPALIVE = Duration.ofSeconds(15);

    public TransportSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(tlsClient, "tlsClient");
        Objects.requireNonNull(quicIdleTimeout, "quicIdleTimeout");
        Objects.requireNonNull(quicKeepAlive, "quicKeepAlive");
        Objects.requireNonNull(ws, "ws");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || connectTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("connect timeout must be positive: " + connectTimeout);
        }
        if (quicIdleTimeout.isNegative() || quicIdleTimeout.isZero()) {
            throw new IllegalArgumentException("QUIC idle timeout must be positive: " + quicIdleTimeout);
        }
        if (quicKeepAlive.isNegative() || quicKeepAlive.compareTo(quicIdleTimeout) >= 0) {
            throw new IllegalArgumentException("QUIC keep-alive (" + quicKeepAlive
                    + ") must be zero or shorter than the idle timeout (" + quicIdleTimeout + ")");
        }
        if (stealthTimeout != null && (stealthTimeout.isNegative() || stealthTimeout.isZero()
                || stealthTimeout.toMillis() > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("stealth timeout must be positive: " + stealthTimeout);
        }
    }

    /** Whether streams carry the strict stealth proof (client) or listeners are strict (server). */
    public boolean strict() {
        return stealthKey != null;
    }

    public static TransportSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().connectTimeout(connectTimeout).via(via).tlsClient(tlsClient).tlsServer(tlsServer)
                .quicIdleTimeout(quicIdleTimeout).quicKeepAlive(quicKeepAlive).stealthTimeout(stealthTimeout)
                .stealthKey(stealthKey).ws(ws).streams(streams)
                .stealthSshAlpn(stealthSshAlpn).proxyProtocol(proxyProtocol);
    }

    public static final class Builder {
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private ViaProxy via;
        private TlsClientOptions tlsClient = TlsClientOptions.NONE;
        private TlsServerMaterial tlsServer;
        private Duration quicIdleTimeout = DEFAULT_QUIC_IDLE_TIMEOUT;
        private Duration quicKeepAlive = DEFAULT_QUIC_KEEPALIVE;
        private Duration stealthTimeout;
        private StealthKey stealthKey;
        private WsOptions ws = WsOptions.DEFAULT;
        private StreamSource streams;
        private boolean stealthSshAlpn;
        private ProxyProtocol proxyProtocol;

        private Builder() {
        }

        /** PROXY protocol on tcp and tls listeners (see the record's doc); null turns it off. */
        public Builder proxyProtocol(ProxyProtocol v) {
            proxyProtocol = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        public Builder via(ViaProxy v) {
            via = v;
            return this;
        }

        public Builder tlsClient(TlsClientOptions v) {
            tlsClient = v;
            return this;
        }

        public Builder tlsServer(TlsServerMaterial v) {
            tlsServer = v;
            return this;
        }

        public Builder quicIdleTimeout(Duration v) {
            quicIdleTimeout = v;
            return this;
        }

        public Builder quicKeepAlive(Duration v) {
            quicKeepAlive = v;
            return this;
        }

        /** Server stealth mode (see the record's doc); null turns it off. */
        public Builder stealthTimeout(Duration v) {
            stealthTimeout = v;
            return this;
        }

        /** {@code --stealth=strict}'s key (see the record's doc); null turns it off. */
        public Builder stealthKey(StealthKey v) {
            stealthKey = v;
            return this;
        }

        /** ws/wss path and Host (see the record's doc). */
        public Builder ws(WsOptions v) {
            ws = v;
            return this;
        }

        /** Streams through a jump host instead of sockets (see the record's doc); null for sockets. */
        public Builder streams(StreamSource v) {
            streams = v;
            return this;
        }

        /** Compatible stealth: also negotiate ALPN alknet-ssh (see the record's doc). */
        public Builder stealthSshAlpn(boolean v) {
            stealthSshAlpn = v;
            return this;
        }

        public TransportSettings build() {
            return new TransportSettings(connectTimeout, via, tlsClient, tlsServer, quicIdleTimeout, quicKeepAlive,
                    stealthTimeout, stealthKey, ws, streams, stealthSshAlpn, proxyProtocol);
        }
    }
}
