package dev.alknet.transport.proxy;

import dev.alknet.transport.Transport;
import dev.alknet.transport.TransportContractTest;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole stream contract (16 MiB echo, half-closes, autoRead) through a SOCKS5 proxy. */
class TcpViaSocks5ContractTest extends TransportContractTest {

    static TestProxy proxy;
    static Transport direct = Transports.create("tcp", TransportSettings.builder().connectTimeout(Duration.ofSeconds(5)).build());

    @BeforeAll
    static void start() throws Exception {
        proxy = new TestProxy(TestProxy.Kind.SOCKS5, null, null);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
    }

    @Override
    protected Transport serverTransport() {
        return direct;
    }

    @Override
    protected Transport clientTransport() {
        return Transports.create("tcp", TransportSettings.builder().connectTimeout(Duration.ofSeconds(5))
                .via(ViaProxy.parse(proxy.url())).build());
    }
}
