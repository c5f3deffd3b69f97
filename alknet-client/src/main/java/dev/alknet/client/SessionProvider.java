package dev.alknet.client;

import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.session.ClientSession;

/**
 * Hands out the client's current authenticated SSH session. While the tunnel is down (reconnecting) the
 * future waits up to the configured connect-wait and then fails with {@link TunnelDownException}.
 */
@FunctionalInterface
public interface SessionProvider {
    CompletableFuture<ClientSession> session();
}
