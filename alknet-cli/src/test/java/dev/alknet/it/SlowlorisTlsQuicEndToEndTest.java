package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.testkit.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slowloris on the tls and quic listeners of a real {@code alknet serve} process: 200 TLS peers (a ClientHello sent
 * a byte a second and never finished; TLS finished and then silence; TLS finished and an SSH banner a byte a
 * second) or 50 QUIC peers (handshake done, a stream opened and never written to), each coming back when dropped.
 * While they are held, a real {@code alknet connect} gets its tunnel up and curl downloads through it byte-exact.
 * Then the peers stop coming back: the server closes every one by its deadlines (TLS handshake and QUIC first
 * stream: 10 s; SSH: {@code --auth-timeout}, here 10 s, after the 2 s resume sniffing) and its open descriptors
 * return to where they were. (tcp and the SOCKS port: {@link HostilePeersEndToEndTest}.)
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SlowlorisTlsQuicEndToEndTest {

    private static final int TLS_PEERS = 200;
    private static final int QUIC_PEERS = 50;
    private static final long SIZE = 1 << 20;
    /** Slack for what the JVM opens or closes on its own (as LeakEndToEndTest). */
    private static final int FD_TOLERANCE = 4;

    private static E2e.Keys keys;
    private static Cli.Running server;
    private static WebServer web;
    private static int tlsPort;
    private static int quicPort;

    @BeforeAll
    static void start() throws Exception {
        keys = E2e.keys();
        server = Cli.Running.alknet("serve", "--home", keys.dir().toString(),
                "--listen", "tls://127.0.0.1:0", "--listen", "quic://127.0.0.1:0", "--allow", "loopback",
                "--auth-timeout", "10s");
        tlsPort = Integer.parseInt(ForwardFixtures.awaitGroup(server, "listening on tls://127\\.0\\.0\\.1:(\\d+)"));
        quicPort = Integer.parseInt(ForwardFixtures.awaitGroup(server, "listening on quic://127\\.0\\.0\\.1:(\\d+)"));
        web = new WebServer();
    }

    @AfterAll
    static void stop() throws Exception {
        if (web != null) {
            web.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void tlsSlowlorisIsCutByTheDeadlinesAndARealClientGetsThrough() throws Exception {
        run("tls", tlsPort, peers -> peers.tls(tlsPort, TLS_PEERS), TLS_PEERS);
    }

    @Test
    void quicSlowlorisIsCutByTheDeadlinesAndARealClientGetsThrough() throws Exception {
        run("quic", quicPort, peers -> peers.quic(quicPort, QUIC_PEERS), QUIC_PEERS);
    }

    private interface Start {
        void start(SlowPeers peers) throws Exception;
    }

    private void run(String scheme, int port, Start start, int count) throws Exception {
        int baseFds = serverFds();
        try (SlowPeers peers = new SlowPeers()) {
            start.start(peers);
            E2e.await(() -> peers.held.get() >= count * 9 / 10, Duration.ofSeconds(60),
                    () -> "slow peers held: " + peers.held + " (" + peers.report() + ")");
            int heldAtStart = peers.held.get();
            long t0 = System.nanoTime();
            int socks = E2e.freePort();
            try (Cli.Running connect = Cli.Running.alknet("connect", scheme + "://127.0.0.1:" + port,
                    "--home", keys.dir().toString(), "--socks", "127.0.0.1:" + socks)) {
                connect.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(60));
                long upMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                Path out = keys.dir().resolve("got-" + scheme);
                Curl.Result r = Curl.fetch("127.0.0.1:" + socks, "http://localhost:" + web.port() + "/blob?size="
                        + SIZE + "&seed=5", out);
                assertEquals(0, r.exit(), r.stderr());
                assertEquals(WebServer.Blob.sha256(SIZE, 5), Files2.sha256(out), "byte-exact through the tunnel");
                System.out.println(scheme + ": " + heldAtStart + " slow peers held at the start, " + peers.held.get()
                        + " after the download; tunnel up " + upMs + " ms after the connect process started");
                assertEquals(0, connect.terminate(Duration.ofSeconds(10)), "connect exits 0 on SIGTERM");
            }
            peers.reconnect = false;
            assertTrue(peers.awaitAllClosed(60_000), () -> "the server did not close every slow peer: "
                    + peers.held + " still held (" + peers.report() + ")");
            System.out.println(scheme + ": " + peers.report());
        }
        Eventually.within(Duration.ofSeconds(20), Duration.ofMillis(200), () -> serverFds() <= baseFds + FD_TOLERANCE);
        int after = serverFds();
        System.out.println(scheme + ": server fds " + baseFds + " -> " + after);
        assertTrue(after <= baseFds + FD_TOLERANCE, "server fds " + baseFds + " -> " + after);
        assertTrue(server.process.isAlive(), "server still running");
    }

    private static int serverFds() throws Exception {
        try (var fds = Files.list(Path.of("/proc", String.valueOf(server.process.pid()), "fd"))) {
            return (int) fds.count();
        }
    }
}
