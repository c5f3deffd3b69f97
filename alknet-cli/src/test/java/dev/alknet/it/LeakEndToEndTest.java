package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alknet.client.socks.SocksOptions;
import dev.alknet.testkit.Eventually;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * 1,000 SOCKS streams through the real in-process client and server (50 at a time, each a byte-exact echo of a few
 * KiB), then: open file descriptors and live threads back within a small tolerance of the baseline taken after a
 * warm-up, no SOCKS connection or SSH channel left on the client, no channel and no extra session on the server.
 */
// Counts the whole JVM's fds and threads: nothing else may run meanwhile (NetworkFaults runs concurrently).
@Isolated
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeakEndToEndTest {

    private static final int WARMUP = 200;
    private static final int STREAMS = 1000;
    private static final int PARALLEL = 50;
    private static final int MAX_PAYLOAD = 16 * 1024;
    /** Slack for what the JVM and libraries start or stop on their own (GlobalEventExecutor, common pool). */
    private static final int FD_TOLERANCE = 4;
    private static final int THREAD_TOLERANCE = 3;

    @Test
    void thousandStreamsLeaveNoFdsThreadsOrChannelsBehind() throws Exception {
        E2e.Keys keys = E2e.keys();
        ExecutorService workers = E2e.daemonPool(PARALLEL, "leak-client");
        ((ThreadPoolExecutor) workers).prestartAllCoreThreads();
        try (E2e.EchoServer echo = new E2e.EchoServer(PARALLEL + 4);
                E2e.Server server = E2e.server(keys, (h, p, s) -> true);
                E2e.Client client = E2e.client(E2e.clientOptions(keys, server.port()), SocksOptions.defaults()).up()) {
            assertEquals(0, run(workers, client, echo, 0, WARMUP), "failed warm-up streams");
            awaitIdle(client, server);
            E2e.awaitTransientThreadsGone();
            int baseFds = E2e.openFds();
            int baseThreads = E2e.liveThreads();
            Map<String, Integer> baseFdKinds = fdKinds();
            List<String> baseThreadNames = threadNames();

            long start = System.nanoTime();
            int failed = run(workers, client, echo, WARMUP, STREAMS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(0, failed, "streams that were not byte-exact");
            assertTrue(echo.accepted.get() >= WARMUP + STREAMS, "every stream reached the destination");
            System.out.println(STREAMS + " streams in " + ms + " ms");

            awaitIdle(client, server);
            if (!Eventually.within(Duration.ofSeconds(10), () -> E2e.openFds() <= baseFds + FD_TOLERANCE
                    && E2e.liveThreads() <= baseThreads + THREAD_TOLERANCE)) {
                fail("after " + STREAMS + " streams: fds " + E2e.openFds() + " (baseline " + baseFds + ", "
                        + diff(baseFdKinds, fdKinds()) + "), threads " + E2e.liveThreads() + " (baseline "
                        + baseThreads + ", new: " + newThreads(baseThreadNames) + ")");
            }
            assertEquals(1, server.sessions(), "only the tunnel's session on the server");
            System.out.println("fds " + baseFds + " -> " + E2e.openFds() + ", threads " + baseThreads + " -> "
                    + E2e.liveThreads());
        } finally {
            workers.shutdownNow();
        }
    }

    /** Runs {@code count} echo streams, {@link #PARALLEL} at a time; returns how many failed. */
    private static int run(ExecutorService workers, E2e.Client client, E2e.EchoServer echo, int firstSeed, int count)
            throws Exception {
        AtomicInteger failed = new AtomicInteger();
        List<Throwable> errors = new ArrayList<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int seed = firstSeed + i;
            all.add(CompletableFuture.runAsync(() -> {
                try {
                    echoOnce(client.socksPort(), seed % 2 == 0 ? "127.0.0.1" : "::1", echo.port(), seed);
                } catch (Throwable e) {
                    failed.incrementAndGet();
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            }, workers));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(40, TimeUnit.SECONDS);
        if (!errors.isEmpty()) {
            System.out.println("first failure: " + errors.get(0));
        }
        return failed.get();
    }

    private static void echoOnce(int socksPort, String host, int port, int seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] payload = new byte[1 + r.nextInt(MAX_PAYLOAD)];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) r.nextInt(256);
        }
        try (Socket s = E2e.socksSocket(socksPort)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(E2e.request(E2e.CONNECT, host, port));
            int rep = E2e.readReply(in);
            if (rep != E2e.SUCCEEDED) {
                throw new IOException("stream " + seed + ": reply " + rep);
            }
            out.write(payload);
            s.shutdownOutput();
            byte[] back = in.readAllBytes();
            if (!Arrays.equals(payload, back)) {
                throw new IOException("stream " + seed + ": sent " + payload.length + " bytes, got " + back.length
                        + (back.length == payload.length ? " different ones" : ""));
            }
        }
    }

    private static void awaitIdle(E2e.Client client, E2e.Server server) throws InterruptedException {
        E2e.await(() -> client.socks.openConnections() == 0 && client.socks.openRelays() == 0
                        && server.liveChannels() == 0 && server.sessions() == 1, Duration.ofSeconds(10),
                () -> "idle: socks connections " + client.socks.openConnections() + ", client channels "
                        + client.socks.openRelays() + ", server channels " + server.liveChannels()
                        + ", server sessions " + server.sessions());
    }

    /** What the open descriptors point at, by kind (socket, anon_inode:[eventpoll], a path...), for messages. */
    private static Map<String, Integer> fdKinds() throws IOException {
        Map<String, Integer> kinds = new HashMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString().replaceAll("\\[\\d+\\]", "");
                } catch (IOException e) {
                    continue; // closed meanwhile (e.g. the listing's own descriptor)
                }
                kinds.merge(target, 1, Integer::sum);
            }
        }
        return kinds;
    }

    private static String diff(Map<String, Integer> before, Map<String, Integer> after) {
        return after.entrySet().stream()
                .filter(e -> e.getValue() > before.getOrDefault(e.getKey(), 0))
                .map(e -> e.getKey() + " +" + (e.getValue() - before.getOrDefault(e.getKey(), 0)))
                .collect(Collectors.joining(", ", "new: ", ""));
    }

    private static List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList();
    }

    private static List<String> newThreads(List<String> before) {
        List<String> now = new ArrayList<>(threadNames());
        for (String name : before) {
            now.remove(name);
        }
        return now;
    }
}
