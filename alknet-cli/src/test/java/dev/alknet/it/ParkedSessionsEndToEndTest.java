package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.testkit.Socks5Probe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Authenticated clients against a real {@code alknet serve}: one that parks resumable sessions on purpose (connect,
 * get the resume token, SIGKILL the client so the carrier dies, repeat) keeps at most {@code --max-detached-per-key}
 * of them, the oldest going first; parked sessions count against {@code --max-conns-per-ip}, and a live connection
 * takes the slot of the address's oldest parked session rather than being refused; a session that opens streams
 * without end gets SOCKS 0x01 past {@code --max-channels} and the server opens no socket for them.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ParkedSessionsEndToEndTest {

    private static final Pattern METRICS = Pattern.compile("metrics on (http://127\\.0\\.0\\.1:\\d+/metrics)");
    private static E2e.Keys keys;

    @BeforeAll
    static void keys() throws Exception {
        keys = E2e.keys();
    }

    @Test
    void parkingSessionsOnPurposeKeepsOnlyTheNewestPerKey() throws Exception {
        try (Cli.Running server = serve("--max-detached-per-key", "2")) {
            int port = port(server);
            String metrics = metricsUrl(server);
            for (int i = 1; i <= 5; i++) {
                park(port);
                int parked = i;
                E2e.await(() -> ForwardFixtures.count(server, "carrier lost;") == parked, Duration.ofSeconds(30),
                        server::stderrText);
            }
            E2e.await(() -> ForwardFixtures.count(server, "ending a parked session of key") == 3,
                    Duration.ofSeconds(30), server::stderrText);
            E2e.await(() -> sessionsOpen(metrics) == 2, Duration.ofSeconds(30),
                    () -> "2 sessions left: " + scrape(metrics));
            assertTrue(server.process.isAlive());
        }
    }

    @Test
    void aLiveConnectionTakesTheSlotOfAParkedSessionOfItsAddress() throws Exception {
        try (Cli.Running server = serve("--max-conns-per-ip", "2", "--max-detached-per-key", "100")) {
            int port = port(server);
            String metrics = metricsUrl(server);
            for (int i = 1; i <= 4; i++) {
                park(port); // from the third on, the connection needs an address slot a parked session holds
                int parked = i;
                E2e.await(() -> ForwardFixtures.count(server, "carrier lost;") == parked, Duration.ofSeconds(30),
                        server::stderrText);
            }
            assertEquals(0, ForwardFixtures.count(server, "connection limit from"), "no live user refused");
            E2e.await(() -> ForwardFixtures.count(server, "a new connection needs its slot") == 2,
                    Duration.ofSeconds(30), server::stderrText);
            E2e.await(() -> sessionsOpen(metrics) == 2, Duration.ofSeconds(30),
                    () -> "2 sessions left: " + scrape(metrics));
        }
    }

    @Test
    void streamsWithoutEndAreRefusedPastTheChannelLimitWithoutServerSockets() throws Exception {
        int limit = 1024; // the default
        int socks = E2e.freePort();
        try (Cli.Running server = serve();
                Sink sink = new Sink();
                Cli.Running connect = connect(port(server), socks)) {
            connect.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(60));
            int baseFds = fds(server);
            List<Socks5Probe> open = new ArrayList<>();
            int refused = 0;
            try {
                for (int i = 0; i < limit + 50; i++) {
                    Socks5Probe p = new Socks5Probe(socks);
                    int reply = p.connectDomain("127.0.0.1", sink.port());
                    if (reply == E2e.SUCCEEDED) {
                        open.add(p);
                    } else {
                        assertEquals(E2e.GENERAL_FAILURE, reply, "refused past the limit with 0x01");
                        refused++;
                        p.close();
                    }
                }
                assertEquals(limit, open.size(), "streams up to the limit");
                assertEquals(50, refused);
                int fds = fds(server);
                System.out.println("server fds " + baseFds + " -> " + fds + " with " + open.size() + " streams");
                assertTrue(fds <= baseFds + limit + 16, "no socket for refused streams: " + baseFds + " -> " + fds);
                assertTrue(ForwardFixtures.count(server, "carrier lost") == 0, "the session carried on");
            } finally {
                for (Socks5Probe p : open) {
                    p.close();
                }
            }
        }
    }

    /**
     * A key holder opens many streams to a destination that never reads and pushes data into all of them: each
     * window is credit to park bytes on the server. Only the first 32 streams get the full 8 MiB window, so 60
     * stalled streams park about 32 x 8 MiB + 28 x 256 KiB (~263 MiB), not 480 MiB.
     */
    @Test
    void streamsToADestinationThatNeverReadsParkBoundedMemory() throws Exception {
        int socks = E2e.freePort();
        int streams = 60;
        try (Cli.Running server = serve();
                Sink sink = new Sink();
                Cli.Running connect = connect(port(server), socks)) {
            connect.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(60));
            String metrics = metricsUrl(server);
            List<Socks5Probe> open = new ArrayList<>();
            List<Thread> writers = new ArrayList<>();
            java.util.concurrent.atomic.AtomicLong pushed = new java.util.concurrent.atomic.AtomicLong();
            try {
                for (int i = 0; i < streams; i++) {
                    Socks5Probe p = new Socks5Probe(socks);
                    assertEquals(E2e.SUCCEEDED, p.connectDomain("127.0.0.1", sink.port()));
                    open.add(p);
                    Thread w = new Thread(() -> {
                        byte[] chunk = new byte[64 * 1024];
                        try {
                            for (int n = 0; n < 144; n++) { // 9 MiB per stream: more than a full window
                                p.socket.getOutputStream().write(chunk);
                                pushed.addAndGet(chunk.length);
                            }
                        } catch (IOException closed) {
                            // the test is over
                        }
                    }, "push-" + i);
                    w.setDaemon(true);
                    w.start();
                    writers.add(w);
                }
                // until the writers are all stuck or done: no progress for 2 s (a stall has no event of its own,
                // so it is a sampling period, not a wait for something)
                long last = -1;
                for (int i = 0; i < 90 && pushed.get() != last; i++) {
                    last = pushed.get();
                    Thread.sleep(2000);
                }
                double direct = nettyDirect(metrics);
                System.out.printf("%d stalled streams: %d MiB pushed, server holds %.0f MiB of Netty direct memory%n",
                        streams, pushed.get() >> 20, direct / (1 << 20));
                assertTrue(direct < 380L << 20, "server holds " + (long) direct / (1 << 20) + " MiB (bound ~270)");
                assertTrue(server.process.isAlive());
            } finally {
                for (Socks5Probe p : open) {
                    p.close();
                }
            }
        }
    }

    private static double nettyDirect(String url) {
        Matcher m = Pattern.compile("(?m)^alknet_netty_memory_bytes\\{kind=\"direct\"\\} (\\S+)$").matcher(scrape(url));
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    // ---- ----

    private static Cli.Running serve(String... limits) throws IOException {
        List<String> args = new ArrayList<>(List.of("serve", "--home", keys.dir().toString(), "--listen",
                "tcp://127.0.0.1:0", "--allow", "loopback", "--metrics", "127.0.0.1:0"));
        Collections.addAll(args, limits);
        return Cli.Running.alknet(args.toArray(String[]::new));
    }

    private static int port(Cli.Running server) throws Exception {
        return Integer.parseInt(ForwardFixtures.awaitGroup(server, "listening on tcp://127\\.0\\.0\\.1:(\\d+)"));
    }

    private static String metricsUrl(Cli.Running server) throws Exception {
        return ForwardFixtures.awaitGroup(server, METRICS.pattern());
    }

    private static Cli.Running connect(int port, int socks) throws IOException {
        return Cli.Running.alknet("connect", "tcp://127.0.0.1:" + port, "--home", keys.dir().toString(),
                "--socks", "127.0.0.1:" + socks);
    }

    /** A client gets its resume token, then dies at once (SIGKILL): its session is parked on the server. */
    private static void park(int port) throws Exception {
        try (Cli.Running c = connect(port, E2e.freePort())) {
            c.awaitLine(l -> l.contains("resumable carrier"), Duration.ofSeconds(60));
            c.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static double sessionsOpen(String url) {
        Matcher m = Pattern.compile("(?m)^alknet_sessions_open (\\S+)$").matcher(scrape(url));
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static String scrape(String url) {
        try {
            Process p = new ProcessBuilder("curl", "-sS", "--max-time", "10", url).redirectErrorStream(true).start();
            String body = new String(p.getInputStream().readAllBytes());
            p.waitFor(15, TimeUnit.SECONDS);
            return body;
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private static int fds(Cli.Running server) throws IOException {
        try (var s = Files.list(Path.of("/proc", String.valueOf(server.process.pid()), "fd"))) {
            return (int) s.count();
        }
    }

    /** Accepts connections and holds them, reading nothing. */
    private static final class Sink implements AutoCloseable {
        private final ServerSocket server = new ServerSocket();
        private final List<Socket> held = Collections.synchronizedList(new ArrayList<>());
        private final Thread accepter;

        Sink() throws IOException {
            server.bind(new InetSocketAddress("127.0.0.1", 0), 2048);
            accepter = new Thread(() -> {
                try {
                    while (true) {
                        held.add(server.accept());
                    }
                } catch (IOException closed) {
                    // done
                }
            }, "sink-accept");
            accepter.setDaemon(true);
            accepter.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            accepter.join(5000);
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }
}
