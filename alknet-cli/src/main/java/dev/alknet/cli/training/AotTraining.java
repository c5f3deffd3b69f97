package dev.alknet.cli.training;

import dev.alknet.core.config.AlknetHome;
import dev.alknet.core.keys.KeyFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the AOT caches of {@code alknet serve} and {@code alknet connect} (JDK 25+) from a training run: both
 * commands, started through the launcher as separate processes on loopback with {@code -XX:AOTCacheOutput}, carry a
 * bounded load through the SOCKS port; at their exit each JVM writes a cache holding the classes it loaded and the
 * method profiles of the tunnel's hot paths, so a later run compiles those paths sooner. Without it a cache held
 * whatever its command's first run happened to do (often nothing but start-up). docs/adr/0017 has the figures.
 *
 * <p>Arguments: the launcher, the cache directory, the caches' suffix (e.g. {@code jdk25}), and {@code quick} for
 * the release build's shorter load (alknet-dist/build-dist.sh). The checkout launcher starts this in the background,
 * once per build; it exits 0 with both caches in place, or 1 after writing
 * {@code training-SUFFIX.failed} (the launcher then does not try again until the next build).
 */
public final class AotTraining {

    /** How much work the trained commands see: short connections (bounded in count and time), then bulk each way. */
    record Load(int shortConnections, long maxMillis, long bulkBytes) {
        /** ~25 s on a 2-core machine: a fresh pair of JVMs levels off after 16,000-28,000 connections (ADR 0017). */
        static final Load FULL = new Load(20_000, 30_000, 256L << 20);
        /** The release build's (argument {@code quick}): at most ~8 s of load, the start-up classes and the first profiles. */
        static final Load QUICK = new Load(4_000, 8_000, 64L << 20);
    }

    private static final int PARALLEL = 16;
    private static final long START_TIMEOUT_MILLIS = 60_000;
    private static final long EXIT_TIMEOUT_SECONDS = 120; // includes writing the cache
    // the AOT writer warns about every class it skips (signed jars, proxies): thousands of lines, none actionable
    private static final String QUIET = " -Xlog:disable -Xlog:all=warning:stderr -Xlog:aot*=off:stderr -Xlog:cds*=off:stderr";

    private final Path launcher;
    private final Path dir;
    private final String suffix;
    private final Load load;
    private final List<Process> started = new ArrayList<>();

    AotTraining(Path launcher, Path dir, String suffix, Load load) {
        this.launcher = launcher;
        this.dir = dir;
        this.suffix = suffix;
        this.load = load;
    }

    public static void main(String[] args) {
        if (args.length != 3 && !(args.length == 4 && args[3].equals("quick"))) {
            System.err.println("usage: AotTraining LAUNCHER CACHE_DIR SUFFIX [quick]");
            System.exit(2);
        }
        Load load = args.length == 4 ? Load.QUICK : Load.FULL;
        AotTraining training = new AotTraining(Path.of(args[0]), Path.of(args[1]), args[2], load);
        System.exit(training.run() ? 0 : 1);
    }

    /** Trains both commands and puts their caches in place; false (after writing the failure marker) if it could not. */
    boolean run() {
        try {
            train();
            return true;
        } catch (Exception e) {
            recordFailure(e);
            return false;
        }
    }

    private void train() throws Exception {
        Path scratch = Files.createTempDirectory("alknet-training-");
        try (TrainingTarget target = new TrainingTarget()) {
            AlknetHome home = new AlknetHome(scratch).ensureExists();
            var identity = KeyFiles.loadOrCreate(home.identity(), "training").pair();
            Files.writeString(home.authorizedKeys(), KeyFiles.publicKeyLine(identity.getPublic(), "training") + "\n");
            int serverPort = freePort();
            int socksPort = freePort();
            Process serve = start("serve", "--home", scratch.toString(), "--listen", "tcp://127.0.0.1:" + serverPort,
                    "--allow", "loopback");
            awaitListening(serverPort, serve);
            Process connect = start("connect", "tcp://127.0.0.1:" + serverPort, "--home", scratch.toString(),
                    "--socks", "127.0.0.1:" + socksPort);
            awaitListening(socksPort, connect);

            System.out.println("AOT training of serve and connect, " + java.time.Instant.now());
            long t0 = System.nanoTime();
            TrainingLoad traffic = new TrainingLoad(new InetSocketAddress("127.0.0.1", socksPort), target.port());
            int shortDone = traffic.shortConnections(load.shortConnections(), PARALLEL, load.maxMillis());
            traffic.bulk(load.bulkBytes());
            System.out.printf("training load: %d short connections, %.1f MiB each way, in %d ms%n", shortDone,
                    load.bulkBytes() / 1048576.0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

            // the client first, so the server sees its session end as it does in real use
            stopAndInstall(connect, "connect");
            stopAndInstall(serve, "serve");
        } finally {
            for (Process p : started) {
                p.destroyForcibly();
            }
            deleteTree(scratch);
        }
    }

    private Process start(String command, String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(launcher.toString());
        argv.add(command);
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        // the command's own launcher flags, plus the operator's, as in a real run; the cache is written at exit
        String userOpts = System.getenv().getOrDefault("ALKNET_JAVA_OPTS", "");
        pb.environment().put("ALKNET_CDS", "off");
        pb.environment().put("ALKNET_JAVA_OPTS", (userOpts + " -XX:AOTCacheOutput=" + partial(command) + QUIET).trim());
        Files.deleteIfExists(partial(command));
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private void stopAndInstall(Process p, String command) throws Exception {
        p.destroy(); // SIGTERM: the command drains and exits 0, the JVM then writes its cache
        if (!p.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IOException(command + " did not exit within " + EXIT_TIMEOUT_SECONDS + " s of SIGTERM");
        }
        Path partial = partial(command);
        if (p.exitValue() != 0 || !Files.isRegularFile(partial)) {
            throw new IOException(command + " exited " + p.exitValue() + (Files.isRegularFile(partial) ? "" : ", no cache"));
        }
        Files.move(partial, dir.resolve(command + "-" + suffix + ".aot"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private Path partial(String command) {
        return dir.resolve(command + "-" + suffix + ".aot.training");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitListening(int port, Process owner) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!owner.isAlive()) {
                throw new IOException("training process exited " + owner.exitValue() + " before listening on " + port);
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("nothing listening on " + port + " after " + START_TIMEOUT_MILLIS + " ms");
    }

    private void recordFailure(Exception e) {
        String why = e.getClass().getSimpleName() + ": " + e.getMessage();
        System.err.println("AOT training failed: " + why);
        try {
            Files.deleteIfExists(partial("serve"));
            Files.deleteIfExists(partial("connect"));
            Files.writeString(dir.resolve("training-" + suffix + ".failed"), why + "\n");
        } catch (IOException ignored) {
            // the log line above is all we can leave
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
