package dev.alknet.client;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.hostkeys.HostKeyPolicy;
import dev.alknet.transport.Transport;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything one client needs to reach its server.
 *
 * @param hostKeyPin {@code SHA256:...} the server's host key must have, or null to use known_hosts
 * @param connectWait how long a new stream waits for the tunnel while it is down
 * @param heartbeat interval of SSH heartbeats; the session is dead after {@code heartbeatMisses} unanswered
 */
public record ClientOptions(ServerAddress server, Transport transport, KeyPair identity, Path knownHosts,
        HostKeyPolicy hostKeyPolicy, String hostKeyPin, Duration connectTimeout, Duration connectWait,
        Duration heartbeat, int heartbeatMisses) {

    public ClientOptions {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
    }
}
