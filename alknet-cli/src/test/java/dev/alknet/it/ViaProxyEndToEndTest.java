package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.testkit.Eventually;
import dev.alknet.testkit.Socks5Probe;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.proxy.ViaProxy;
import dev.alknet.transport.tls.TlsClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reaching the server through a real SOCKS5 proxy (microsocks) and an HTTP CONNECT proxy; TLS pins end to end. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ViaProxyEndToEndTest {

    private static final long SIZE = 4L * 1024 * 1024;
    private static WebServer web;

    @BeforeAll
    static void start() throws Exception {
        web = new WebServer();
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    @Test
    void tcpThroughMicrosocks() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/microsocks")), "microsocks not installed");
        int port = OpenSshInteropTest.freePort();
        Process socks = new ProcessBuilder("/usr/bin/microsocks", "-i", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            OpenSshInteropTest.waitForPort(port, socks);
            TransportSettings via = TransportSettings.builder().via(ViaProxy.parse("socks5://127.0.0.1:" + port)).build();
            try (Tunnel t = Tunnel.start("tcp", via)) {
                fetch(t);
            }
        } finally {
            socks.destroy();
            socks.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void tlsThroughHttpConnectProxy() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy()) {
            TransportSettings via = TransportSettings.builder()
                    .via(ViaProxy.parse("http://127.0.0.1:" + proxy.port())).build();
            try (Tunnel t = Tunnel.start("tls", via)) {
                fetch(t);
                assertTrue(proxy.tunnels.get() >= 1, "the server was reached through the proxy");
            }
        }
    }

    @Test
    void deadProxyMeansNoConnectionAtAll() throws Exception {
        int dead = OpenSshInteropTest.freePort();
        TransportSettings via = TransportSettings.builder().via(ViaProxy.parse("socks5://127.0.0.1:" + dead)).build();
        try (Tunnel t = Tunnel.start("tcp", via)) {
            // the client has dialled (through the proxy: it failed) before the server is asked what reached it
            E2e.await(() -> t.lastError() != null, Duration.ofSeconds(20), () -> "the first dial's failure");
            assertEquals(0, t.server.sessionCount(), "nothing may go around a dead proxy");
            try (Socks5Probe p = new Socks5Probe(t.socksPort())) {
                p.socket.setSoTimeout(30_000);
                assertEquals(1, p.connectDomain("localhost", web.port()), "tunnel down -> 0x01");
            }
        }
    }

    @Test
    void tlsPinMismatchIsRefusedAndMatchWorks() throws Exception {
        try (Tunnel t = Tunnel.start("tls")) {
            String pin = dev.alknet.transport.tls.TlsServerMaterial.selfSigned(t.home, "localhost").load().pin();
            TransportSettings right = TransportSettings.builder().tlsClient(new TlsClientOptions(pin, false, null)).build();
            try (Tunnel pinned = Tunnel.reuseServer(t, right)) {
                fetch(pinned);
            }
            TransportSettings wrong = TransportSettings.builder()
                    .tlsClient(new TlsClientOptions("sha256/" + "A".repeat(43) + "=", false, null)).build();
            try (Tunnel bad = Tunnel.reuseServer(t, wrong)) {
                String why = bad.client.fatal().isDone() ? bad.client.fatal().join().getMessage() : waitForError(bad);
                assertTrue(why.contains("pin"), why);
            }
        }
    }

    private static String waitForError(Tunnel t) throws Exception {
        String e = Eventually.value(Duration.ofSeconds(10), Duration.ofMillis(100), t::lastError, java.util.Objects::nonNull);
        return e != null ? e : "no error reported";
    }

    private static void fetch(Tunnel t) throws Exception {
        Path out = t.home.resolve("got");
        Curl.Result r = Curl.fetch(t.socks(), "http://localhost:" + web.port() + "/blob?size=" + SIZE + "&seed=3", out);
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(WebServer.Blob.sha256(SIZE, 3), Files2.sha256(out));
    }
}
