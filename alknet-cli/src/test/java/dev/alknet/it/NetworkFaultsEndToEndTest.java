package dev.alknet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alknet.core.keys.KeyFiles;
import dev.alknet.testkit.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19: open streams survive the faults of real networks. A real `alknet serve` and `alknet connect` run on two
 * hosts (network namespaces) with a NAT router between them; real curl downloads 100 MiB through the SOCKS port while
 * the router refuses the path, blackholes it, loses its NAT mappings, cuts it every 2 s, or the client's address is
 * replaced. Each download must finish byte-exact with no error seen by curl, over tcp, tls and quic. A restarted
 * server ends the resume at its first answer and the client reconnects at once. Cases run in parallel (each on its
 * own three namespaces); each prints the time from the path being usable again to data flowing.
 */
@Execution(ExecutionMode.CONCURRENT)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NetworkFaultsEndToEndTest {

    private static final long SIZE = 100L * 1024 * 1024;
    private static final long SEED = 19;
    private static final int ORIGIN_PORT = 8080;
    private static final int FORWARD_PORT = 9000;
    /** -R: the server listens here (its loopback) and forwards to the client host's own origin. */
    private static final int REMOTE_FORWARD_PORT = 7000;
    private static final int CLIENT_ORIGIN_PORT = 8081;
    private static final int UDP_ECHO_PORT = 5353;
    private static final int SOCKS_PORT = 1080;
    private static final int SERVER_PORT = 4433;
    /** Slow enough that every fault lands in the middle of the transfer (13 s without faults). */
    private static final String RATE = "8M";
    /** The cuts go on for 30 s: so does the download (33 s without faults). */
    private static final String CUT_RATE = "3M";
    private static Path dir;
    private static Path blob;
    private static String blobSha;

    enum Fault {
        REFUSED_1S, REFUSED_5S_WITH_UPLOAD_AND_FORWARD, REFUSED_30S, BLACKHOLE_10S, BLACKHOLE_40S,
        CLIENT_ADDRESS_REPLACED, NAT_REBINDING, CUT_EVERY_2S_FOR_30S, SERVER_RESTARTED
    }

    /** Every fault over every transport; {@code -Dalknet.faults=tcp:REFUSED,quic} keeps the cases named so. */
    static Stream<Arguments> cases() {
        List<String> only = List.of(System.getProperty("alknet.faults", "").split(",")).stream()
                .filter(x -> !x.isBlank()).toList();
        List<Arguments> l = new ArrayList<>();
        for (Fault f : Fault.values()) {
            for (String t : List.of("tcp", "tls", "quic")) {
                String name = t + ":" + f;
                if (only.isEmpty() || only.stream().anyMatch(name::contains)) {
                    l.add(Arguments.of(t, f));
                }
            }
        }
        return l.stream();
    }

    @BeforeAll
    static void blob() throws IOException {
        FaultNet.assumeAvailable();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "no curl");
        dir = Files.createTempDirectory("alknet-faults-");
        blob = dir.resolve("blob");
        blobSha = WebServer.Blob.writeFile(blob, SIZE, SEED);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Nanoseconds until {@code end}, at least 0. */
    private static long left(long end) {
        return Math.max(0, end - System.nanoTime());
    }

    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("cases")
    void openStreamsSurvive(String transport, Fault fault) throws Exception {
        String tag = transport + fault.ordinal();
        // the waits below end before the class's 240 s timeout, so a stuck case fails with the client's log
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(225);
        try (FaultNet net = FaultNet.create(tag); Pair pair = Pair.start(net, transport, dir.resolve(tag))) {
            Path out = pair.home.resolve("got");
            Cli.Running curl = pair.curl("--limit-rate", fault == Fault.CUT_EVERY_2S_FOR_30S ? CUT_RATE : RATE,
                    "--socks5-hostname", "127.0.0.1:" + SOCKS_PORT,
                    "http://127.0.0.1:" + ORIGIN_PORT + "/blob", "-o", out.toString());
            List<Cli.Running> others = new ArrayList<>();
            Path viaForward = pair.home.resolve("got-forward");
            Path upload = pair.home.resolve("upload-answer");
            Path viaRemote = pair.home.resolve("got-remote-forward");
            Cli.Running udp = null;
            if (fault == Fault.REFUSED_5S_WITH_UPLOAD_AND_FORWARD) {
                others.add(pair.curl("http://127.0.0.1:" + FORWARD_PORT + "/blob", "-o", viaForward.toString()));
                others.add(pair.curl("--socks5-hostname", "127.0.0.1:" + SOCKS_PORT, "-T", blob.toString(),
                        "-X", "POST", "http://127.0.0.1:" + ORIGIN_PORT + "/sink", "-o", upload.toString()));
                others.add(pair.curlOnServer("http://127.0.0.1:" + REMOTE_FORWARD_PORT + "/blob", "-o",
                        viaRemote.toString()));
                // one UDP association across the fault: a datagram every 100 ms for 25 s
                udp = pair.onClient("python3", script("/fault-udp.py"), "client", String.valueOf(SOCKS_PORT),
                        "127.0.0.1", String.valueOf(UDP_ECHO_PORT), "250", "100");
                others.add(udp);
            }
            Files2.awaitSize(out, 8L << 20, curl, Duration.ofSeconds(60));
            if (fault == Fault.SERVER_RESTARTED) {
                serverRestarted(pair, curl, transport);
                return;
            }
            Recovery r = inject(fault, net, pair, out);
            assertEquals(0, curl.process.waitFor(left(end), TimeUnit.NANOSECONDS) ? curl.process.exitValue() : -1,
                    "curl saw no error: " + curl.stderrText() + "\nclient:\n" + tail(pair.connect));
            assertEquals(blobSha, Files2.sha256(out), "byte-exact");
            if (fault == Fault.REFUSED_5S_WITH_UPLOAD_AND_FORWARD) {
                for (Cli.Running o : others) {
                    assertTrue(o.process.waitFor(left(end), TimeUnit.NANOSECONDS), "the other transfer ended: "
                            + o.stderrText() + "\nclient:\n" + tail(pair.connect));
                    assertEquals(0, o.process.exitValue(), "no error: " + o.stderrText());
                }
                assertEquals(blobSha, Files2.sha256(viaForward), "-L transfer byte-exact");
                assertEquals(blobSha, Files.readString(upload).trim(), "upload byte-exact");
                assertEquals(blobSha, Files2.sha256(viaRemote), "-R transfer byte-exact");
                // datagrams sent well after the path came back (~2 s to the fault, 5 s of it) are answered on the
                // same association
                int afterSeq = 110;
                List<Integer> replies = udp.stdoutText().lines().filter(l -> l.startsWith("reply "))
                        .map(l -> Integer.parseInt(l.substring(6).trim())).toList();
                assertTrue(udp.stdoutText().contains("sent 250"), "the association lasted: " + udp.stderrText());
                assertTrue(replies.stream().filter(q -> q > afterSeq).count() >= 10, // of 139: the association works again
                        "UDP answered after the fault on the same association: " + replies.size() + " replies, "
                                + "last " + (replies.isEmpty() ? "-" : replies.get(replies.size() - 1))
                                + "\nclient:\n" + tail(pair.connect) + "\nserver:\n" + tail(pair.serve));
                System.out.printf("UDP across the fault: %d of 250 datagrams answered, %d of the 139 sent from 11 s on%n",
                        replies.size(), replies.stream().filter(q -> q > afterSeq).count());
            }
            String log = pair.connect.stderrText();
            // QUIC carries its connection through a short outage by itself (it retransmits); tcp and tls must resume
            assertTrue(transport.equals("quic") || log.contains("resumed after"),
                    "the session was resumed:\n" + tail(pair.connect));
            assertEquals(1, count(log, "tunnel up"), "one session throughout:\n" + tail(pair.connect));
            System.out.printf("fault %-36s %-4s heal->data %s ms; detected in %s ms; resumes %d; %s%n", fault,
                    transport, r.healToData, r.detect, count(log, "resumed after"), resumeLines(log));
            System.out.println("client log:\n" + tail(pair.connect) + "\nserver log:\n" + tail(pair.serve));
            for (Cli.Running o : others) {
                o.close();
            }
            curl.close();
        }
    }

    private static String script(String resource) {
        try {
            return Path.of(NetworkFaultsEndToEndTest.class.getResource(resource).toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What one fault took: ms from the path usable again to data flowing, and to the silence being noticed. */
    record Recovery(String healToData, String detect) {
    }

    private static Recovery inject(Fault fault, FaultNet net, Pair pair, Path out) throws Exception {
        switch (fault) {
            case REFUSED_1S:
                return outage(net, out, pair, Duration.ofSeconds(1), false);
            case REFUSED_5S_WITH_UPLOAD_AND_FORWARD:
                return outage(net, out, pair, Duration.ofSeconds(5), false);
            case REFUSED_30S:
                return outage(net, out, pair, Duration.ofSeconds(30), false);
            case BLACKHOLE_10S:
                return outage(net, out, pair, Duration.ofSeconds(10), true);
            case BLACKHOLE_40S:
                return outage(net, out, pair, Duration.ofSeconds(40), true);
            case CLIENT_ADDRESS_REPLACED: {
                long t0 = System.nanoTime();
                net.replaceClientAddress();
                return new Recovery(String.valueOf(flowingAgainMs(out, t0)), "-");
            }
            case NAT_REBINDING: {
                long t0 = System.nanoTime();
                net.rebindNat();
                return new Recovery(String.valueOf(flowingAgainMs(out, t0)), "-");
            }
            case CUT_EVERY_2S_FOR_30S: {
                List<Long> each = new ArrayList<>();
                for (int i = 0; i < 15; i++) {
                    net.refuse(SERVER_PORT);
                    Thread.sleep(200); // pacing: the cut's length is the fault
                    net.heal();
                    long t0 = System.nanoTime();
                    each.add(flowingAgainMs(out, t0, 1800));
                    long left = 1800 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    if (left > 0) {
                        Thread.sleep(left); // pacing: one cut every 2 s is the fault
                    }
                }
                return new Recovery(each.toString(), "-");
            }
            default:
                throw new IllegalArgumentException(fault.toString());
        }
    }

    /** The path refused (resets) or blackholed (drops) for {@code length}, then healed. */
    private static Recovery outage(FaultNet net, Path out, Pair pair, Duration length, boolean silent)
            throws Exception {
        long t0 = System.nanoTime();
        if (silent) {
            net.blackhole(SERVER_PORT);
        } else {
            net.refuse(SERVER_PORT);
        }
        String detect = "-";
        if (silent) {
            long seen = awaitLogMs(pair.connect, "carrier silent for", length.toMillis());
            detect = seen < 0 ? "not within the outage" : String.valueOf(seen - TimeUnit.NANOSECONDS.toMillis(t0));
            if (seen >= 0 && length.toSeconds() >= 10 && !pair.transport.equals("quic")) {
                assertTrue(statusShowsResuming(pair, t0 + length.toNanos()), "alknet status shows the resume");
            }
        }
        long left = length.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (left > 0) {
            Thread.sleep(left); // pacing: the outage lasts its length whatever the client does
        }
        net.heal();
        return new Recovery(String.valueOf(flowingAgainMs(out, System.nanoTime())), detect);
    }

    /** Whether {@code alknet status --json} says "resuming" before {@code deadline} (its state file is rewritten every
     * few seconds). */
    private static boolean statusShowsResuming(Pair pair, long deadline) throws Exception {
        return Eventually.within(Duration.ofNanos(deadline - System.nanoTime()), Duration.ofMillis(250),
                () -> Cli.run("status", "--home", pair.home.toString(), "--json").stdout()
                        .contains("\"resuming\" : true"));
    }

    /**
     * The server is killed and started again (same home): the client's resume meets the new process's "unknown
     * session" as soon as it is back, ends, and the ordinary reconnect follows at once.
     */
    private static void serverRestarted(Pair pair, Cli.Running curl, String transport) throws Exception {
        pair.serve.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Thread.sleep(2000); // pacing: the server stays down a while, so the client is resuming when it is back
        pair.serve = pair.startServe();
        long back = System.nanoTime();
        pair.connect.awaitLine(l -> l.contains("tunnel up again"), Duration.ofSeconds(30));
        long upMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
        String log = pair.connect.stderrText();
        assertTrue(log.contains("does not know the session"), "ended by the server's answer:\n" + tail(pair.connect));
        assertTrue(log.contains("reconnecting in 0 ms"), "reconnected at once:\n" + tail(pair.connect));
        assertTrue(curl.process.waitFor(30, TimeUnit.SECONDS), "the broken download ended instead of hanging");
        Cli.Result again = Cli.runCommand(pair.curlCommand("--socks5-hostname", "127.0.0.1:" + SOCKS_PORT,
                "-o", "/dev/null", "-w", "%{http_code}", "-d", "x", "http://127.0.0.1:" + ORIGIN_PORT + "/sink"), Map.of(),
                Duration.ofSeconds(60));
        assertEquals("200", again.stdout().trim(), "the new session carries: " + again.stderr());
        System.out.printf("fault %-36s %-4s tunnel up again %d ms after the server listened%n",
                Fault.SERVER_RESTARTED, transport, upMs);
        System.out.println("client log:\n" + tail(pair.connect) + "\nserver log:\n" + tail(pair.serve));
        curl.close();
    }

    /** Ms from {@code since} until the file grows (data flowing), at most 60 s; -1 if it never does. */
    private static long flowingAgainMs(Path out, long since) throws Exception {
        return flowingAgainMs(out, since, 60_000);
    }

    private static long flowingAgainMs(Path out, long since, long limitMs) throws Exception {
        long size = Files.size(out);
        Duration left = Duration.ofNanos(since + TimeUnit.MILLISECONDS.toNanos(limitMs) - System.nanoTime());
        boolean flowing = Eventually.within(left, Duration.ofMillis(10), () -> {
            long now = Files.size(out);
            return now > size || now >= SIZE;
        });
        return flowing ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) : -1;
    }

    /** Wall-clock ms (nanoTime based) when a line with {@code text} appears in the process's log, or -1. */
    private static long awaitLogMs(Cli.Running p, String text, long limitMs) throws InterruptedException {
        boolean seen = Eventually.within(Duration.ofMillis(limitMs), Duration.ofMillis(25),
                () -> p.stderrText().contains(text));
        return seen ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime()) : -1;
    }

    private static int count(String log, String what) {
        int n = 0;
        for (int i = log.indexOf(what); i >= 0; i = log.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String resumeLines(String log) {
        return log.lines().filter(l -> l.contains("resumed after"))
                .map(l -> l.replaceAll(".*resumed after (\\d+) ms.*?(\\(attempt \\d+\\))?; replayed (\\d+) bytes.*",
                        "$1ms$2/$3B"))
                .toList().toString();
    }

    private static String tail(Cli.Running p) {
        List<String> lines = p.stderrText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** One server, its origin web server and one client on a {@link FaultNet}. */
    private static final class Pair implements AutoCloseable {
        final FaultNet net;
        final String transport;
        final Path home;
        Cli.Running origin;
        Cli.Running clientOrigin;
        Cli.Running udpEcho;
        Cli.Running serve;
        Cli.Running connect;

        private Pair(FaultNet net, String transport, Path home) {
            this.net = net;
            this.transport = transport;
            this.home = home;
        }

        /** Two pairs start at a time: a dozen JVMs starting at once on 2 cores is not what is tested here. */
        private static final java.util.concurrent.Semaphore STARTING = new java.util.concurrent.Semaphore(2);

        static Pair start(FaultNet net, String transport, Path home) throws Exception {
            STARTING.acquire();
            try {
                return startNow(net, transport, home);
            } finally {
                STARTING.release();
            }
        }

        private static Pair startNow(FaultNet net, String transport, Path home) throws Exception {
            Files.createDirectories(home);
            KeyFiles.LoadedKey id = KeyFiles.loadOrCreate(home.resolve("id_ed25519"), "faults");
            Files.writeString(home.resolve("authorized_keys"),
                    KeyFiles.publicKeyLine(id.pair().getPublic(), "faults") + "\n");
            Pair p = new Pair(net, transport, home);
            try {
                Path script = Path.of(NetworkFaultsEndToEndTest.class.getResource("/fault-origin.py").toURI());
                List<String> origin = new ArrayList<>(net.onServer());
                origin.addAll(List.of("python3", script.toString(), "127.0.0.1", String.valueOf(ORIGIN_PORT),
                        blob.toString()));
                p.origin = Cli.Running.start(origin, Map.of());
                p.clientOrigin = p.onClient("python3", script.toString(), "127.0.0.1",
                        String.valueOf(CLIENT_ORIGIN_PORT), blob.toString());
                List<String> echo = new ArrayList<>(net.onServer());
                echo.addAll(List.of("python3", script("/fault-udp.py"), "echo", "127.0.0.1",
                        String.valueOf(UDP_ECHO_PORT)));
                p.udpEcho = Cli.Running.start(echo, Map.of());
                p.serve = p.startServe();
                p.connect = Cli.Running.start(Cli.command(net.onClient(), "dev.alknet.cli.Main", "connect",
                        transport + "://" + FaultNet.SERVER + ":" + SERVER_PORT, "--home", home.toString(),
                        "--socks", "127.0.0.1:" + SOCKS_PORT,
                        "-L", "127.0.0.1:" + FORWARD_PORT + ":127.0.0.1:" + ORIGIN_PORT,
                        "-R", "127.0.0.1:" + REMOTE_FORWARD_PORT + ":127.0.0.1:" + CLIENT_ORIGIN_PORT), Map.of());
                p.connect.awaitLine(l -> l.contains("resumable carrier: open streams survive"), Duration.ofSeconds(60));
                p.connect.awaitLine(l -> l.contains(":" + REMOTE_FORWARD_PORT + ":") && l.contains("server listening"),
                        Duration.ofSeconds(30));
                return p;
            } catch (Exception | AssertionError e) {
                p.close();
                throw e;
            }
        }

        Cli.Running startServe() throws Exception {
            Cli.Running s = Cli.Running.start(Cli.command(net.onServer(), "dev.alknet.cli.Main", "serve",
                    "--home", home.toString(), "--listen", transport + "://" + FaultNet.SERVER + ":" + SERVER_PORT,
                    "--allow", "loopback:" + ORIGIN_PORT, "--allow", "loopback:" + UDP_ECHO_PORT), Map.of());
            s.awaitLine(l -> l.contains("listening on"), Duration.ofSeconds(60));
            return s;
        }

        List<String> curlCommand(String... args) {
            List<String> cmd = new ArrayList<>(net.onClient());
            cmd.addAll(List.of("curl", "-sS", "--limit-rate", RATE, "--max-time", "220"));
            cmd.addAll(List.of(args)); // a later --limit-rate wins
            return cmd;
        }

        Cli.Running curl(String... args) throws IOException {
            return Cli.Running.start(curlCommand(args), Map.of());
        }

        /** curl on the server host (through a -R listener), rate-limited like the others. */
        Cli.Running curlOnServer(String... args) throws IOException {
            List<String> cmd = new ArrayList<>(net.onServer());
            cmd.addAll(List.of("curl", "-sS", "--limit-rate", RATE, "--max-time", "220"));
            cmd.addAll(List.of(args));
            return Cli.Running.start(cmd, Map.of());
        }

        Cli.Running onClient(String... cmd) throws IOException {
            List<String> l = new ArrayList<>(net.onClient());
            l.addAll(List.of(cmd));
            return Cli.Running.start(l, Map.of());
        }

        @Override
        public void close() throws IOException {
            for (Cli.Running r : new Cli.Running[] {connect, serve, origin, clientOrigin, udpEcho}) {
                if (r != null) {
                    r.close();
                }
            }
        }
    }
}
