package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real curl through the real SOCKS5h port to a real HTTP server, byte-exact, by name, IPv4 and IPv6. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CurlThroughTunnelTest {

    private static WebServer web;
    private static Tunnel tunnel;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        web = new WebServer();
        tunnel = Tunnel.start("tcp");
        dir = Files.createTempDirectory("alknet-curl-");
    }

    @AfterAll
    static void stop() throws Exception {
        tunnel.close();
        web.close();
    }

    @ParameterizedTest(name = "{0} bytes via {1}")
    @CsvSource({
        "0, localhost", "1048576, localhost", "268435456, localhost",
        "0, 127.0.0.1", "1048576, 127.0.0.1", "268435456, 127.0.0.1",
        "0, [::1]", "1048576, [::1]", "268435456, [::1]"})
    void byteExact(long size, String host) throws Exception {
        long seed = size ^ host.hashCode();
        Path out = dir.resolve("got-" + size + "-" + Math.abs(host.hashCode()));
        Curl.Result r = Curl.fetch(tunnel.socks(), "http://" + host + ":" + web.port() + "/blob?size=" + size
                + "&seed=" + seed, out);
        assertEquals(0, r.exit(), "curl failed: " + r.stderr());
        assertEquals(size, Files.size(out));
        assertEquals(WebServer.Blob.sha256(size, seed), Files2.sha256(out));
        Files.delete(out);
    }
}
