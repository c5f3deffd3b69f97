package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.client.embed.AlknetStream;
import dev.alknet.client.embed.AlknetTunnel;
import dev.alknet.server.dial.DestinationPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embeddable API against a real in-process server: streams to an echo server and an HTTP server, no SOCKS. */
@Timeout(value = 45, unit = TimeUnit.SECONDS)
class EmbeddedApiTest {

    @Test
    void openStreamCarriesBytesBothWaysAndHalfCloses() throws Exception {
        E2e.Keys keys = E2e.keys();
        try (E2e.Server server = E2e.server(keys, DestinationPolicy.ALLOW_ALL);
                E2e.EchoServer echo = new E2e.EchoServer(2);
                WebServer web = new WebServer();
                AlknetTunnel tunnel = AlknetTunnel.builder().server("tcp://127.0.0.1:" + server.port())
                        .home(keys.dir()).connect()) {
            byte[] data = new byte[200_000];
            new java.util.Random(7).nextBytes(data);
            try (AlknetStream s = tunnel.openStream("127.0.0.1", echo.port())) {
                s.output().write(data);
                s.shutdownOutput(); // EOF to the echo server, which then closes its side
                assertArrayEquals(data, s.input().readAllBytes());
            }

            try (AlknetStream s = tunnel.openStream("localhost", web.port())) {
                s.output().write(("GET /blob?size=5000 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                s.output().flush();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n") && head.length() < 4096) {
                    int b = s.input().read();
                    assertTrue(b >= 0, "EOF in the header: " + head);
                    head.append((char) b);
                }
                assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
                assertEquals(5000, s.input().readNBytes(5000).length); // the body, by its Content-Length
            }

            IOException refused = assertThrows(IOException.class, () -> tunnel.openStream("127.0.0.1", E2e.freePort()));
            assertTrue(refused.getMessage().contains("127.0.0.1:"), refused.getMessage());
        }
    }
}
