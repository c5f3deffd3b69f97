package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alknet.testkit.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server process is SIGKILLed and started again on the same port: while it is down a SOCKS request
 * waits {@code --connect-wait} and gets 0x01, the client is back within 5 s of the server listening again,
 * and the {@code -R} forward works again (it was registered anew on the new session).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReconnectEndToEndTest {

    private static final long SIZE = 1024 * 1024;

    @Test
    void clientReturnsWithinFiveSecondsOfARestartedServerAndRemoteForwardsWorkAgain() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        E2e.Keys keys = E2e.keys();
        String home = keys.dir().toString();
        int serverPort = E2e.freePort();
        int remotePort = E2e.freePort();
        try (WebServer web = new WebServer();
                Cli.Running client = Cli.Running.alknet("connect", "tcp://127.0.0.1:" + serverPort, "--home", home,
                        "--socks", "127.0.0.1:0", "--connect-wait", "3s", "-R", remotePort + ":127.0.0.1:" + web.port(),
                        "-L", "0:127.0.0.1:" + web.port())) {
            Cli.Running server = serve(home, serverPort);
            try {
                int socks = Integer.parseInt(ForwardFixtures.awaitGroup(client, "SOCKS5h proxy on /127\\.0\\.0\\.1:(\\d+)"));
                int local = Integer.parseInt(ForwardFixtures.awaitGroup(client, "-L .* listening on /127\\.0\\.0\\.1:(\\d+)"));
                client.awaitLine(l -> l.contains("-R " + remotePort + ":") && l.contains("server listening"),
                        Duration.ofSeconds(20));
                fetch(web, remotePort, keys.dir(), 1);

                server.process.destroyForcibly(); // SIGKILL: no goodbye, the port is simply gone
                server.process.waitFor(5, TimeUnit.SECONDS);
                server.close();
                // the client resumes while the port refuses (a restarting middlebox looks the same), until the
                // server, back, says it does not know the session
                client.awaitLine(l -> l.contains("carrier lost"), Duration.ofSeconds(10));

                long asked = System.nanoTime();
                CompletableFuture<E2e.Outcome> viaLocal = CompletableFuture.supplyAsync(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), local)) {
                        return E2e.drain(s, Duration.ofSeconds(10));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                int rep = E2e.connect(socks, "127.0.0.1", web.port());
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
                assertEquals(E2e.GENERAL_FAILURE, rep, "reply while the tunnel is down (resuming)");
                assertTrue(waited >= 2_800 && waited < 6_000, "waited --connect-wait (3 s) first: " + waited + " ms");
                E2e.Outcome local1 = viaLocal.get(10, TimeUnit.SECONDS);
                assertTrue(local1.closed() && local1.received().length == 0 && local1.millis() >= 2_500,
                        "-L connection while down waits, then is closed: " + local1);

                Thread.sleep(3_000); // long enough for a plain backoff to have grown past 5 s
                server = serve(home, serverPort);
                long up = System.nanoTime();
                E2e.await(() -> ForwardFixtures.count(client, "tunnel up again") == 1, Duration.ofSeconds(10),
                        () -> "reconnect; client log:\n" + client.stderrText());
                long backMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - up);
                // -R registered anew on the new session: the server listens on the same port again.
                long forwardMillis = fetchWhenBack(web, remotePort, keys.dir(), up);
                System.out.printf("reconnect: tunnel back %d ms, -R serving %d ms after the server listened%n",
                        backMillis, forwardMillis);
                assertTrue(backMillis < 5_000, "tunnel back after " + backMillis + " ms");
                assertTrue(forwardMillis < 5_000, "-R back after " + forwardMillis + " ms");
                assertEquals(E2e.SUCCEEDED, E2e.connect(socks, "127.0.0.1", web.port()), "SOCKS after the reconnect");
                fetch(web, local, keys.dir(), 3); // the -L listener stayed up too
            } finally {
                server.close();
            }
        }
    }

    private static Cli.Running serve(String home, int port) throws Exception {
        Cli.Running s = Cli.Running.alknet("serve", "--home", home, "--listen", "tcp://127.0.0.1:" + port,
                "--allow", "loopback");
        s.awaitLine(l -> l.contains("listening on tcp://127.0.0.1:" + port), Duration.ofSeconds(20));
        return s;
    }

    private static void fetch(WebServer web, int port, Path dir, long seed) throws Exception {
        Path out = dir.resolve("got-" + seed);
        assertEquals(0, ForwardFixtures.curl("http://127.0.0.1:" + port + "/blob?size=" + SIZE + "&seed=" + seed, out));
        assertEquals(WebServer.Blob.sha256(SIZE, seed), Files2.sha256(out));
        Files.delete(out);
    }

    /** Retries the -R fetch until it works (bounded); returns the time since {@code since}. */
    private static long fetchWhenBack(WebServer web, int port, Path dir, long since) throws Exception {
        Path out = dir.resolve("got-back");
        boolean back = Eventually.within(Duration.ofSeconds(20), Duration.ofMillis(50), () ->
                ForwardFixtures.curl("http://127.0.0.1:" + port + "/blob?size=" + SIZE + "&seed=2", out) == 0
                        && Files.size(out) == SIZE);
        if (!back) {
            throw new AssertionError("-R never came back");
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
        assertEquals(WebServer.Blob.sha256(SIZE, 2), Files2.sha256(out));
        return ms;
    }
}
