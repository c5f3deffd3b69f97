package dev.alknet.core.channel;

import dev.alknet.core.ssh.SshSession;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where channels get their SSH session: on the client the current one, or the next once the tunnel is back; on the
 * server the session a {@code -R} listener belongs to ({@link SshSession#channels()}).
 */
@FunctionalInterface
public interface SessionSource {

    /** The current authenticated session; while the tunnel is down, a future that waits (and may fail). */
    CompletableFuture<SshSession> session();

    /** What an open fails with when no session came within its timeout. */
    default Exception noSession(Duration waited) {
        return new IOException("no SSH session within " + waited);
    }
}
