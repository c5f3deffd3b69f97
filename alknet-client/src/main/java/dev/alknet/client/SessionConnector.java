package dev.alknet.client;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.core.ssh.SshSession;

/** What the supervisor needs to bring a session up: one server ({@link TunnelConnector}) or several in order. */
public interface SessionConnector extends AutoCloseable {

    /** Connects, checks the host key and authenticates; throws {@link ConnectFailure} with the reason. */
    SshSession connect() throws ConnectFailure;

    /** The server connected to last (or the first to try). */
    ServerAddress server();

    /** Which transport was picked and why, where the connector picks one ({@code TransportRace}); else null. */
    default String transportNote() {
        return null;
    }

    @Override
    void close();
}
