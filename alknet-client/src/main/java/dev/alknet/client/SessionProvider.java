package dev.alknet.client;

import dev.alknet.core.channel.SessionSource;
import java.time.Duration;

/**
 * Hands out the client's current authenticated SSH session. While the tunnel is down (reconnecting) the
 * future waits up to the configured connect-wait and then fails with {@link TunnelDownException}.
 */
@FunctionalInterface
public interface SessionProvider extends SessionSource {

    /** SOCKS answers 0x01 to this. */
    @Override
    default Exception noSession(Duration waited) {
        return new TunnelDownException("no SSH session within " + waited);
    }
}
