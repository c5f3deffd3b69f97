package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alknet.client.socks.SocksOptions;
import dev.alknet.testkit.Eventually;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * 1,000 SOCKS streams held open at the same time for 10 s, each carrying checksummed echo traffic
 * (bench/HoldStreams.java in its own JVM, as in the 5,000-stream bench run); afterwards the client's and the
 * server's streams, channels, fds and threads are back where they were.
 */
// Counts the whole JVM's fds and threads: nothing else may run meanwhile (NetworkFaults runs concurrently).
@Isolated
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ConcurrentStreamsEndToEndTest {

    private static final int STREAMS = 1000;
    private static final int FD_TOLERANCE = 4;
    private static final int THREAD_TOLERANCE = 3;

    @Test
    void thousandStreamsHeldAtOnceStayByteExactAndLeaveNothingBehind() throws Exception {
        E2e.Keys keys = E2e.keys();
        try (E2e.Server server = E2e.server(keys, (h, p, s) -> true);
                E2e.Client client = E2e.client(E2e.clientOptions(keys, server.port()), SocksOptions.defaults()).up()) {
            E2e.awaitTransientThreadsGone();
            int baseFds = E2e.openFds();
            int baseThreads = E2e.liveThreads();

            String result = holdStreams(client.socksPort(), STREAMS, 10);
            System.out.println("HoldStreams: " + result);
            assertTrue(result.contains("\"verified\":" + STREAMS + ","), result);
            assertTrue(result.contains("\"peakOpen\":" + STREAMS + ","), "all held at once: " + result);

            E2e.await(() -> client.socks.openConnections() == 0 && client.socks.openRelays() == 0
                            && server.liveChannels() == 0, Duration.ofSeconds(60),
                    () -> "streams to close: socks " + client.socks.openConnections() + ", server channels "
                            + server.liveChannels());
            if (!Eventually.within(Duration.ofSeconds(20), () -> E2e.openFds() <= baseFds + FD_TOLERANCE
                    && E2e.liveThreads() <= baseThreads + THREAD_TOLERANCE)) {
                fail("fds " + E2e.openFds() + " (baseline " + baseFds + "), threads " + E2e.liveThreads()
                        + " (baseline " + baseThreads + ")");
            }
            assertEquals(1, server.sessions(), "only the tunnel's session on the server");
        }
    }

    /** Runs bench/HoldStreams.java with the JDK running this test; returns its JSON line. */
    private static String holdStreams(int socksPort, int streams, int seconds) throws IOException, InterruptedException {
        Path bench = repoRoot().resolve("bench/HoldStreams.java");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xss256k", bench.toString(), "--socks",
                "127.0.0.1:" + socksPort, "--streams", String.valueOf(streams), "--seconds", String.valueOf(seconds))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("HoldStreams did not finish");
        }
        return out;
    }

    private static Path repoRoot() {
        Path d = Path.of("").toAbsolutePath();
        while (d != null && !Files.exists(d.resolve("bench/HoldStreams.java"))) {
            d = d.getParent();
        }
        if (d == null) {
            throw new IllegalStateException("bench/HoldStreams.java not found above " + Path.of("").toAbsolutePath());
        }
        return d;
    }
}
