package dev.alknet.cli;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.transport.Transport;
import dev.alknet.transport.tcp.TcpTransport;
import java.time.Duration;

/** Builds the transport for an address from the command's options. */
final class TransportOptions {

    private TransportOptions() {
    }

    static Transport forAddress(ServerAddress address, Duration connectTimeout) {
        return switch (address.scheme()) {
            case "tcp" -> new TcpTransport(connectTimeout);
            default -> throw new IllegalArgumentException(address.scheme() + ":// is not available yet");
        };
    }
}
