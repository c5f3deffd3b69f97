package dev.alknet.cli;

import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.proxy.ViaProxy;
import dev.alknet.transport.tls.LiveCertificate;
import dev.alknet.transport.tls.TlsClientOptions;
import dev.alknet.transport.tls.TlsServerMaterial;
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

    @Option(names = "--via", paramLabel = "URL", description = "Client: reach the server through socks5://[user:pass@]host:port or http://host:port (tcp and tls).")
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

    TransportSettings clientSettings(Duration connectTimeout) {
        if (tlsPin == null) {
            tlsPin = pinList();
        }
        return TransportSettings.builder()
                .connectTimeout(connectTimeout)
                .via(via == null ? null : ViaProxy.parse(via))
                .tlsClient(new TlsClientOptions(tlsPin, tlsVerify, tlsServerName))
                .build();
    }
}
