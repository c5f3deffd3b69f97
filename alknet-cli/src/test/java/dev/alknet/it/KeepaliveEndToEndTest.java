package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.config.ServerAddress;
import dev.alknet.server.AlknetServer;
import dev.alknet.server.ServerOptions;
import dev.alknet.transport.TransportSettings;
import dev.alknet.transport.Transports;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Liveness with short intervals: a healthy idle stream outlives every timeout many times over; a client
 * that vanishes (SIGKILL behind a relay that swallows its FIN) is reaped by the server within twice the
 * heartbeat period; a server that vanishes is noticed by the client's heartbeat and reconnected to.
 * The ratio of the intervals is the defaults' (client heartbeat 15 s, server check 5 s × 3), scaled down.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeepaliveEndToEndTest {

    private static final Duration HEARTBEAT = Duration.ofSeconds(3);
    private static final Duration CLIENT_ALIVE = Duration.ofSeconds(1);

    @Test
    void idleStreamOutlivesEveryTimeout() throws Exception {
        E2e.Keys keys = E2e.keys();
        try (E2e.EchoServer echo = new E2e.EchoServer(2); AlknetServer server = server(keys);
                Cli.Running client = connect(keys, server.listeners().get(0).localAddress().getPort(),
                        "--heartbeat", "1s", "-L", "0:127.0.0.1:" + echo.port())) {
            int port = Integer.parseInt(ForwardFixtures.awaitGroup(client, "listening on /127\\.0\\.0\\.1:(\\d+)"));
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(10_000);
                roundTrip(s, "before");
                // 10 s idle: 10 client heartbeats (dead after 3 s unanswered), 10 server checks (dead after 3 s),
                // and no idle timeout anywhere may close it.
                Thread.sleep(10_000); // pacing: the idle time is the point
                roundTrip(s, "after ten idle seconds");
            }
            assertEquals(0, ForwardFixtures.count(client, "tunnel lost"), client.stderrText());
            assertEquals(1, server.sessionCount());
        }
    }

    @Test
    void vanishedClientIsReapedWithinTwiceTheHeartbeat() throws Exception {
        E2e.Keys keys = E2e.keys();
        try (AlknetServer server = server(keys);
                ForwardFixtures.FreezingRelay relay = new ForwardFixtures.FreezingRelay(
                        server.listeners().get(0).localAddress().getPort());
                Cli.Running client = connect(keys, relay.port(), "--heartbeat", HEARTBEAT.toSeconds() + "s")) {
            client.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(20));
            E2e.await(() -> server.sessionCount() == 1, Duration.ofSeconds(5), () -> "session on the server");
            relay.freeze(); // the client's machine "vanishes": not even its FIN arrives
            client.process.destroyForcibly();
            long killed = System.nanoTime();
            E2e.await(() -> server.sessionCount() == 0, HEARTBEAT.multipliedBy(2).plusSeconds(2),
                    () -> "the server to free the dead client's session");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.printf("keepalive: dead client reaped after %d ms (heartbeat %d ms)%n", ms, HEARTBEAT.toMillis());
            assertTrue(ms <= HEARTBEAT.multipliedBy(2).toMillis(), "reaped after " + ms + " ms");
        }
    }

    @Test
    void vanishedServerIsNoticedByTheHeartbeatAndTheClientReconnects() throws Exception {
        E2e.Keys keys = E2e.keys();
        int remote = E2e.freePort();
        try (E2e.EchoServer echo = new E2e.EchoServer(2); AlknetServer server = server(keys);
                ForwardFixtures.FreezingRelay relay = new ForwardFixtures.FreezingRelay(
                        server.listeners().get(0).localAddress().getPort());
                Cli.Running client = connect(keys, relay.port(), "--heartbeat", "1s", "--connect-timeout", "2s",
                        "-R", remote + ":127.0.0.1:" + echo.port())) {
            client.awaitLine(l -> l.contains("server listening on localhost:" + remote), Duration.ofSeconds(20));
            relay.freeze();
            long frozen = System.nanoTime();
            client.awaitLine(l -> l.contains("tunnel lost"), Duration.ofSeconds(8));
            long lostMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozen);
            relay.thaw();
            long thawed = System.nanoTime();
            client.awaitLine(l -> l.contains("tunnel up again"), Duration.ofSeconds(15));
            long backMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - thawed);
            // The server may still hold the -R port for the dead session for a moment: the client retries.
            E2e.await(() -> ForwardFixtures.count(client, "server listening on localhost:" + remote) == 2,
                    Duration.ofSeconds(15), () -> "-R again; client log:\n" + client.stderrText());
            long forwardMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - thawed);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), remote)) {
                s.setSoTimeout(10_000);
                roundTrip(s, "through -R after the reconnect");
            }
            System.out.printf("keepalive: dead server noticed after %d ms (heartbeat 1000 ms x 3), back %d ms after"
                    + " the path returned, -R back after %d ms%n", lostMs, backMs, forwardMs);
            assertTrue(lostMs <= 5_500, "noticed after " + lostMs + " ms");
        }
    }

    private static AlknetServer server(E2e.Keys keys) throws Exception {
        TransportSettings settings = TransportSettings.defaults();
        return AlknetServer.start(new ServerOptions(List.of(ServerAddress.parse("tcp://127.0.0.1:0", true)),
                keys.hostKey(), keys.home().authorizedKeys(), a -> Transports.create(a.scheme(), settings), 6)
                .withClientAlive(CLIENT_ALIVE, 3)
                // the plain keepalive path: with a resumable carrier a silent peer's carrier is dropped and the
                // session waits out the resume grace instead (ResumeEndToEndTest)
                .withResumeGrace(Duration.ZERO));
    }

    private static Cli.Running connect(E2e.Keys keys, int port, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("connect", "tcp://127.0.0.1:" + port, "--home",
                keys.dir().toString(), "--socks", "127.0.0.1:0"));
        args.addAll(List.of(extra));
        return Cli.Running.alknet(args.toArray(String[]::new));
    }

    private static void roundTrip(Socket s, String what) throws Exception {
        byte[] msg = ("ping " + what).getBytes(StandardCharsets.US_ASCII);
        OutputStream out = s.getOutputStream();
        out.write(msg);
        out.flush();
        byte[] back = s.getInputStream().readNBytes(msg.length);
        assertArrayEquals(msg, back, "echo " + what);
    }
}
