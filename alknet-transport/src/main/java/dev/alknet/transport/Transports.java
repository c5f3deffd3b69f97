package dev.alknet.transport;

import dev.alknet.transport.quic.QuicTransport;
import dev.alknet.transport.stealth.StrictTransport;
import dev.alknet.transport.tcp.TcpTransport;
import dev.alknet.transport.tls.TlsTransport;
import dev.alknet.transport.ws.WsTransport;
import java.util.Locale;

/** Creates a {@link Transport} by scheme: {@code tcp}, {@code tls}, {@code quic}, {@code ws} or {@code wss}. */
public final class Transports {

    private Transports() {
    }

    /**
     * @throws IllegalArgumentException for an unknown scheme, quic with {@code via}, or quic through a jump host
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
        if (settings.streams() != null && "quic".equals(normalize(scheme))) {
            throw new IllegalArgumentException("quic:// cannot be reached through a jump host (a direct-tcpip channel "
                    + "carries TCP): use tcp:// or tls:// for the hop after a jump");
        }
        return switch (normalize(scheme)) {
            case "tcp" -> new TcpTransport(settings.connectTimeout(), settings.via(), settings.streams(),
                    settings.proxyProtocol());
            case "tls" -> new TlsTransport(settings);
            case "quic" -> new QuicTransport(settings);
            case "ws" -> new WsTransport(settings, false);
            case "wss" -> new WsTransport(settings, true);
            default -> throw unknown(scheme);
        };
    }

    /** 22 for tcp, 80 for ws, 443 for tls, quic and wss. */
    public static int defaultPort(String scheme) {
        return switch (normalize(scheme)) {
            case "tcp" -> 22;
            case "tls", "quic", "wss" -> 443;
            case "ws" -> 80;
            default -> throw unknown(scheme);
        };
    }

    private static String normalize(String scheme) {
        return scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
    }

    private static IllegalArgumentException unknown(String scheme) {
        return new IllegalArgumentException("unknown transport '" + scheme + "' (expected tcp, tls, quic, ws or wss)");
    }
}
