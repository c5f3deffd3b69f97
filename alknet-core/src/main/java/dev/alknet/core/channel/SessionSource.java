package dev.alknet.core.channel;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.session.ClientSession;

/** Where a client's channels get their SSH session: the current one, or the next once the tunnel is back. */
@FunctionalInterface
public interface SessionSource {

    /** The current authenticated session; while the tunnel is down, a future that waits (and may fail). */
    CompletableFuture<ClientSession> session();

    /** What an open fails with when no session came within its timeout. */
    default Exception noSession(Duration waited) {
        return new IOException("no SSH session within " + waited);
    }
}
