package dev.alknet.core.channel;

import dev.alknet.core.open.OpenFailure;
import dev.alknet.core.ssh.SshSession;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * The one thing a {@link DialedChannel} does not know: how to reach the destination of an open, and whether it may.
 * The server's {@code direct-tcpip} decides and dials (policy, egress), the client's {@code forwarded-tcpip} looks up
 * the {@code -R} target and connects to it.
 */
public interface Dial {

    /** How an open that could not be dialled is answered: the reason, and the detail for its description. */
    record Refusal(OpenFailure reason, String detail) {
    }

    /**
     * Starts the connection for an open of {@code host} port {@code port} as the peer sent them (unchecked); runs on
     * the session's thread, so it must not wait (a DNS lookup of an outside name goes elsewhere). A refusal is a
     * failed future; cancelling the future must close a connection still in progress.
     */
    CompletableFuture<Channel> dial(SshSession session, String host, long port);

    /** The answer to the failure of {@link #dial}'s future (or a throwing {@code dial}). */
    Refusal refusal(Throwable failure);
}
