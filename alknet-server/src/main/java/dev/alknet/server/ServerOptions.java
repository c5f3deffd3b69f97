package dev.alknet.server;

import dev.alknet.core.config.ServerAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a server needs: its listeners, its host key and who may log in.
 *
 * @param transports makes the transport for a listen address (tcp, tls, quic)
 */
public record ServerOptions(List<ServerAddress> listen, KeyPair hostKey, Path authorizedKeys,
        Function<ServerAddress, dev.alknet.transport.Transport> transports, int maxAuthAttempts) {

    public ServerOptions {
        Objects.requireNonNull(hostKey, "hostKey");
        Objects.requireNonNull(authorizedKeys, "authorizedKeys");
        listen = List.copyOf(listen);
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("no --listen address");
        }
    }
}
