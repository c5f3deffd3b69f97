package dev.alknet.core.forward;

import dev.alknet.core.config.HostPort;
import dev.alknet.core.ssh.SshSession;
import java.io.IOException;

/** The server's {@code -R} listeners as {@link TcpipForwardRequests} reach them. */
public interface RemoteListen {

    /**
     * Listens on {@code requested} for {@code session}; runs on the session's thread, so it may block only briefly.
     *
     * @param requested the address as the client sent it ({@code ""} already read as {@code 0.0.0.0}); port 0 asks
     *                  for a free port
     * @return the port it listens on
     * @throws IOException refused (by policy, or the bind failed); the client learns only that it was refused
     */
    int listen(SshSession session, HostPort requested) throws IOException;

    /** Stops listening on {@code requested} (the port as bound); nothing if there is no such listener. */
    void cancel(SshSession session, HostPort requested);
}
