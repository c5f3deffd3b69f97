package dev.alknet.transport.tcp;

import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportContractTest;
import java.time.Duration;

class TcpTransportTest extends TransportContractTest {
    private final Transport transport = new TcpTransport(Duration.ofSeconds(5));

    @Override
    protected Transport serverTransport() {
        return transport;
    }
}
