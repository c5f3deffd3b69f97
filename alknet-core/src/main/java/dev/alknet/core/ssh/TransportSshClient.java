package dev.alknet.core.ssh;

import dev.alknet.core.bridge.TransportIoConnector;
import dev.alknet.transport.Transport;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.io.IoConnector;

/** An {@link SshClient} whose SSH connections go through an alknet transport. */
public final class TransportSshClient extends SshClient {

    private final Transport transport;

    public TransportSshClient(Transport transport) {
        this.transport = transport;
    }

    @Override
    protected IoConnector createConnector() {
        return new TransportIoConnector(transport, getSessionFactory());
    }
}
