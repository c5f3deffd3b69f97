package dev.alknet.cli;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.proxy.ViaProxy;
import dev.alknet.transport.tls.LiveCertificate;
import dev.alknet.transport.tls.TlsClientOptions;
import dev.alknet.transport.tls.TlsServerMaterial;
import dev.alknet.transport.ws.WsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Transport flags, shared by serve and connect; turned into {@link TransportSettings}. */
final class TransportOptions {

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Server: TLS/QUIC certificate chain (default: self-signed, kept in the home).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Server: private key for --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-pin", paramLabel = "sha256/BASE64", split = ",",
            description = "Client: require this TLS certificate public-key pin (printed by 'alknet serve'); repeatable"
                    + " or a comma list, any one matching is enough (a key roll: old and new).")
    List<String> tlsPins;

    /** The pins given, as a comma list (null: none); {@code connect} may set it from a share link. */
    String tlsPin;

    @Option(names = "--tls-verify", description = "Client: verify the TLS certificate against the system CAs and the host name.")
    boolean tlsVerify;

    @Option(names = "--tls-server-name", paramLabel = "NAME", description = "Client: TLS SNI and verification name"
            + " (default: the server's host name). Server: the name in the default self-signed certificate"
            + " (default: localhost).")
    String tlsServerName;

    @Option(names = "--ws-host", paramLabel = "NAME",
            description = "Client, ws/wss: the HTTP Host header (and, without --tls-server-name, the TLS SNI and"
                    + " verification name) when it differs from the address dialled, e.g. a CDN's name.")
    String wsHost;

    @Option(names = "--via", paramLabel = "URL", description = "Client: reach the server through socks5://[user:pass@]host:port or http://host:port (tcp, tls, ws and wss).")
    String via;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "Server: close a TLS handshake not done by then (with --stealth: counted from its first"
                    + " byte), or a QUIC connection without a stream (default: ${DEFAULT-VALUE}).")
    Duration handshakeTimeout;

    /** Server settings whose tls/quic listeners present {@code certificate}. */
    TransportSettings serverSettings(LiveCertificate certificate) {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        return TransportSettings.builder().tlsServer(certificate == null ? null : TlsServerMaterial.live(certificate))
                .connectTimeout(handshakeTimeout).build();
    }

    /** The pins of --tls-pin as one comma list, or null. */
    String pinList() {
        return tlsPins == null || tlsPins.isEmpty() ? null : String.join(",", tlsPins);
    }

    /** The settings for dialling {@code server}: its ws/wss path, and the Host / SNI asked for. */
    TransportSettings clientSettings(Duration connectTimeout, ServerAddress server) {
        boolean ws = ServerAddress.isWs(server.scheme());
        if (tlsPin == null) {
            tlsPin = pinList();
        }
        String sni = tlsServerName != null ? tlsServerName : ws ? wsHost : null;
        TransportSettings.Builder b = TransportSettings.builder()
                .connectTimeout(connectTimeout)
                .via(via == null ? null : ViaProxy.parse(via))
                .tlsClient(new TlsClientOptions(tlsPin, tlsVerify, sni));
        if (ws) {
            b.ws(new WsOptions(server.path(), wsHost));
        }
        return b.build();
    }
}
