package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.client.AlknetClient;
import dev.alknet.client.forward.Forwards;
import dev.alknet.client.socks.SocksOptions;
import dev.alknet.core.config.ServerAddress;
import dev.alknet.server.AlknetServer;
import dev.alknet.server.ServerOptions;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two real servers, one client given both: traffic goes to the first; the first is stopped and curl still works,
 * now over the second; the first comes back on its port and the idle client moves back to it (fail-back probe).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FailoverEndToEndTest {

    @Test
    void failsOverToTheSecondServerAndBackToTheFirst() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        E2e.Keys keys = E2e.keys();
        int firstPort = E2e.freePort();
        AlknetServer first = serve(keys, firstPort);
        AlknetServer second = serve(keys, 0);
        int secondPort = second.listeners().get(0).localAddress().getPort();
        try (WebServer web = new WebServer();
                AlknetClient client = AlknetClient.start(List.of(E2e.clientOptions(keys, firstPort),
                        E2e.clientOptions(keys, secondPort)), Duration.ofSeconds(1),
                        new InetSocketAddress("127.0.0.1", 0), Forwards.NONE, SocksOptions.defaults())) {
            String socks = "127.0.0.1:" + client.socksAddress().getPort();
            String url = "http://127.0.0.1:" + web.port() + "/blob?size=100000";

            fetch(socks, url, keys.dir());
            assertEquals(1, first.sessionCount(), "on the first server");
            assertEquals(0, second.sessionCount());

            first.close();
            fetch(socks, url, keys.dir()); // waits for the reconnect, which lands on the second
            assertEquals(1, second.sessionCount(), "failed over to the second server");

            first = serve(keys, firstPort);
            AlknetServer back = first;
            E2e.await(() -> second.sessionCount() == 0 && back.sessionCount() == 1, Duration.ofSeconds(30),
                    () -> "moved back: first " + back.sessionCount() + ", second " + second.sessionCount());
            fetch(socks, url, keys.dir());
            assertEquals(0, second.sessionCount(), "traffic on the first server again");
        } finally {
            first.close();
            second.close();
        }
    }

    private static void fetch(String socks, String url, Path dir) throws IOException, InterruptedException {
        Curl.Result r = Curl.fetch(socks, url, dir.resolve("out.bin"));
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(100_000, Files.size(dir.resolve("out.bin")));
    }

    private static AlknetServer serve(E2e.Keys keys, int port) throws IOException {
        return AlknetServer.start(new ServerOptions(List.of(ServerAddress.parse("tcp://127.0.0.1:" + port, true)),
                keys.hostKey(), keys.home().authorizedKeys(),
                a -> Transports.create(a.scheme(), TransportSettings.defaults()), 6));
    }
}
