package dev.alknet.transport;

import dev.alknet.transport.quic.QuicTransport;
import dev.alknet.transport.stealth.StrictTransport;
import dev.alknet.transport.tcp.TcpTransport;
import dev.alknet.transport.tls.TlsTransport;
import java.util.Locale;

/** Creates a {@link Transport} by scheme: {@code tcp}, {@code tls} or {@code quic}. */
public final class Transports {

    private Transports() {
    }

    /**
     * @throws IllegalArgumentException for an unknown scheme, or quic with {@code via}
     */
    public static Transport create(String scheme, TransportSettings settings) {
        Transport t = plain(scheme, settings);
        if (settings.strict() && settings.stealthTimeout() == null) {
            // a client of a --stealth=strict server: every stream starts with the proof
            return new StrictTransport(t, settings.stealthKey(), settings.connectTimeout(),
                    settings.tlsClient().serverName());
        }
        return t;
    }

    private static Transport plain(String scheme, TransportSettings settings) {
        return switch (normalize(scheme)) {
            case "tcp" -> new TcpTransport(settings.connectTimeout(), settings.via(), settings.proxyProtocol());
            case "tls" -> new TlsTransport(settings);
            case "quic" -> new QuicTransport(settings);
            default -> throw unknown(scheme);
        };
    }

    /** 22 for tcp, 443 for tls and quic. */
    public static int defaultPort(String scheme) {
        return switch (normalize(scheme)) {
            case "tcp" -> 22;
            case "tls", "quic" -> 443;
            default -> throw unknown(scheme);
        };
    }

    private static String normalize(String scheme) {
        return scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
    }

    private static IllegalArgumentException unknown(String scheme) {
        return new IllegalArgumentException("unknown transport '" + scheme + "' (expected tcp, tls or quic)");
    }
}
