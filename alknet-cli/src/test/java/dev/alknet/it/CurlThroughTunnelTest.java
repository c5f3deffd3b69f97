package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real curl through the real SOCKS5h port to a real HTTP server, byte-exact, by name, IPv4 and IPv6, over
 * every transport. One tunnel per transport, shared by its cases.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CurlThroughTunnelTest {

    private static final Map<String, Tunnel> TUNNELS = new HashMap<>();
    private static WebServer web;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        web = new WebServer();
        dir = Files.createTempDirectory("alknet-curl-");
    }

    @AfterAll
    static void stop() throws Exception {
        for (Tunnel t : TUNNELS.values()) {
            t.close();
        }
        web.close();
    }

    private static synchronized Tunnel tunnel(String scheme) throws Exception {
        Tunnel t = TUNNELS.get(scheme);
        if (t == null) {
            t = Tunnel.start(scheme);
            TUNNELS.put(scheme, t);
        }
        return t;
    }

    @ParameterizedTest(name = "{0}: {1} bytes via {2}")
    @CsvSource({
        "tcp, 0, localhost", "tcp, 1048576, localhost", "tcp, 268435456, localhost",
        "tcp, 0, 127.0.0.1", "tcp, 1048576, 127.0.0.1", "tcp, 268435456, 127.0.0.1",
        "tcp, 0, [::1]", "tcp, 1048576, [::1]", "tcp, 268435456, [::1]",
        "tls, 0, localhost", "tls, 1048576, 127.0.0.1", "tls, 1048576, [::1]", "tls, 268435456, localhost",
        "quic, 0, localhost", "quic, 1048576, 127.0.0.1", "quic, 1048576, [::1]", "quic, 268435456, localhost"})
    void byteExact(String scheme, long size, String host) throws Exception {
        Tunnel tunnel = tunnel(scheme);
        long seed = size ^ host.hashCode() ^ scheme.hashCode();
        Path out = dir.resolve("got-" + scheme + "-" + size + "-" + Math.abs(host.hashCode()));
        Curl.Result r = Curl.fetch(tunnel.socks(), "http://" + host + ":" + web.port() + "/blob?size=" + size
                + "&seed=" + seed, out);
        assertEquals(0, r.exit(), "curl failed: " + r.stderr());
        assertEquals(size, Files.size(out));
        assertEquals(WebServer.Blob.sha256(size, seed), Files2.sha256(out));
        Files.delete(out);
    }
}
