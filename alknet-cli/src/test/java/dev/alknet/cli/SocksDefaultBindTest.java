package dev.alknet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.config.HostPort;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Without --socks, the proxy port listens on loopback only: nobody else on the network can use the tunnel. */
class SocksDefaultBindTest {

    @Test
    void socksPortIsLoopbackByDefault() throws Exception {
        ConnectCommand c = new ConnectCommand();
        new CommandLine(c).registerConverter(java.time.Duration.class, Durations::parse).parseArgs("tcp://example.com:2222");
        String socks = c.socksListeners().get(0);
        assertEquals(1, c.socksListeners().size());
        HostPort hp = HostPort.parse(socks, -1, true, socks);
        assertTrue(InetAddress.getByName(hp.host()).isLoopbackAddress(), "default --socks " + socks);
        assertEquals(1080, hp.port());
    }
}
